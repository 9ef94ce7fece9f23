// Ready for Citus: every statement the worker sends on a tenant table names the tenant in its own
// text (`tenant_id = $n` in the filter, a `tenant_id` column in an insert), so a distributed
// planner can route it to one shard; RLS alone does not let it. The SQL is read as the worker
// sends it (pg's Client#query), through a session that uses every route of the API: projects,
// tasks, jobs (import, archive, cancel), idempotent retries, refusals.
import { Client } from 'pg';
import type { JobView } from '@app/jobs';
import type { ProjectView } from '@app/projects';
import type { TaskView } from '@app/tasks';
import { adminPool } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

process.env.JOB_BATCH_SIZE = '10';

const TENANT_TABLES = ['projects', 'tasks', 'jobs', 'inbox'];
const TABLE = new RegExp(
  `(?:FROM|INTO|UPDATE|JOIN)\\s+(?:"public"\\.)?"?(${TENANT_TABLES.join('|')})"?\\b`,
  'i',
);
const FILTER = /"?tenant_id"?\s*=\s*(?:\$\d+|ANY)/i;

/** What a statement on a tenant table must say for a distributed planner to route it. */
function unrouted(text: string): boolean {
  if (!TABLE.test(text)) return false;
  const insert = /^\s*INSERT\s+INTO\s+\S+\s*\(([^)]*)\)/i.exec(text);
  if (insert) return !/(^|[\s,"])tenant_id("|\s*,|\s*$)/i.test(insert[1]);
  return !FILTER.test(text);
}

describe('The tenant filter on every statement', () => {
  const stack = useStack();
  const sent: string[] = [];
  const original = Client.prototype.query;

  // Every statement the app's pg clients send, as text: Prisma's adapter and the raw statements alike.
  beforeAll(() => {
    Client.prototype.query = function (this: Client, ...args: unknown[]): unknown {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as { text?: unknown } | undefined)?.text;
      if (typeof text === 'string') sent.push(text);
      return Reflect.apply(original, this, args);
    } as typeof original;
  });

  afterAll(() => {
    Client.prototype.query = original;
  });

  it('should name the tenant in every statement on a tenant table', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    sent.length = 0;
    const key = { 'idempotency-key': 'k-1' };
    const project = await tenant.request<ProjectView>('POST', '/projects', { name: 'a' }, key);
    expect(project.status).toBe(201);
    expect((await tenant.request('POST', '/projects', { name: 'a' }, key)).status).toBe(201); // the inbox answers
    expect((await tenant.request('POST', '/projects', { name: 'a' })).status).toBe(409);
    const id = project.body.id;
    expect((await tenant.request('GET', '/projects?limit=5')).status).toBe(200);
    expect((await tenant.request('GET', `/projects/${id}`)).status).toBe(200);
    expect((await tenant.request('PATCH', `/projects/${id}`, { description: 'd' })).status).toBe(200);
    const task = await tenant.request<TaskView>('POST', `/projects/${id}/tasks`, { title: 't' });
    expect(task.status).toBe(201);
    expect((await tenant.request('GET', `/projects/${id}/tasks`)).status).toBe(200);
    expect((await tenant.request('GET', `/projects/${id}/tasks/${task.body.id}`)).status).toBe(200);
    expect(
      (await tenant.request('PATCH', `/projects/${id}/tasks/${task.body.id}`, { done: true })).status,
    ).toBe(200);
    expect((await tenant.request('DELETE', `/projects/${id}/tasks/${task.body.id}`)).status).toBe(204);

    const imported = await tenant.request<{ jobId: string }>('POST', '/projects/import', {
      items: Array.from({ length: 25 }, (_, i) => ({ name: `i-${i}`, tasks: [{ title: 't' }] })),
    });
    const done = (jobId: string) =>
      waitFor(
        async () => {
          const { body } = await tenant.request<JobView>('GET', `/jobs/${jobId}`);
          return body.status !== 'queued' && body.status !== 'running' && body;
        },
        20_000,
        `job ${jobId}`,
      );
    expect((await done(imported.body.jobId)).status).toBe('succeeded');
    const archived = await tenant.request<{ jobId: string }>('POST', `/projects/${id}/archive`);
    expect((await done(archived.body.jobId)).status).toBe('succeeded');
    expect((await tenant.request('GET', '/jobs?limit=5')).status).toBe(200);
    expect((await tenant.request('DELETE', `/jobs/${archived.body.jobId}`)).status).toBe(409);
    expect((await tenant.request('DELETE', `/projects/${id}`)).status).toBe(204);

    const onTenantTables = sent.filter((text) => TABLE.test(text));
    // The session really went through the tables (so the test can fail).
    for (const table of TENANT_TABLES) {
      expect(onTenantTables.some((text) => new RegExp(`\\b${table}\\b`).test(text))).toBe(true);
    }
    expect(onTenantTables.filter(unrouted)).toEqual([]);
  });

  it('should lead every key of a tenant table with tenant_id, and carry it in every key between them', async () => {
    // Each primary key, unique constraint and foreign key of a table with a tenant_id column.
    const { rows } = await (
      await adminPool()
    ).query<{ table: string; name: string; kind: string; columns: string[]; references: string | null }>(`
      SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.contype AS kind,
             array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS columns,
             NULLIF(c.confrelid, 0)::regclass::text AS references
      FROM pg_constraint c
      WHERE c.contype IN ('p', 'u', 'f')
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'tenant_id')
        AND c.connamespace = 'public'::regnamespace`);
    expect(new Set(rows.map((r) => r.table))).toEqual(new Set(TENANT_TABLES));
    const keys = rows.filter((r) => r.kind !== 'f');
    expect(keys.filter((r) => r.columns[0] !== 'tenant_id')).toEqual([]);
    // A key into another tenant table carries tenant_id; one into the registry is tenant_id itself.
    const foreign = rows.filter((r) => r.kind === 'f');
    expect(foreign.filter((r) => !r.columns.includes('tenant_id'))).toEqual([]);
    expect(foreign.length).toBeGreaterThan(0);
  });
});

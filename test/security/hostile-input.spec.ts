// Threat: a client sending values that JavaScript or PostgreSQL treat specially, to get a 500 or
// to have its input silently changed: bodies nested thousands of levels deep (the validators
// recurse), keys that name members of Object.prototype (`constructor`, `toString`, … were dropped
// without a word), strings that are not valid Unicode (stored as U+FFFD, so two names became one),
// and control characters. Each is a 400 that names the problem, at the gateway and in the worker,
// and nothing is written.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { JobView } from '@app/jobs';
import { ProjectPattern, ProjectView } from '@app/projects';
import type { TaskView } from '@app/tasks';
import { useBroker } from '../support/broker';
import { countProjectsNamed, projectsOf, tasksOf } from '../support/database';
import { send } from '../support/hostile-input';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const JSON_TYPE = { 'content-type': 'application/json' };
const DEPTH_MESSAGE = 'body must not nest objects or arrays more than 20 levels deep';
/** Every key class-transformer or Nest's ValidationPipe used to drop silently. */
const RESERVED_KEYS = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

interface Refusal {
  status: number;
  message: string | string[];
}

describe('hostile input values', () => {
  const stack = useStack();
  const broker = useBroker();
  let tenant: TenantSession;
  let project: ProjectView;
  let task: TaskView;

  beforeAll(async () => {
    tenant = await TenantSession.create(stack.baseUrl);
    project = (await tenant.request<ProjectView>('POST', '/projects', { name: `base-${randomUUID()}` })).body;
    task = (await tenant.request<TaskView>('POST', `/projects/${project.id}/tasks`, { title: 'base' })).body;
    expect(project.id && task.id).toBeTruthy();
  });

  /** Sends raw JSON text as the tenant; the answer's status and message. */
  async function sendRaw(method: string, path: string, text: string, type = JSON_TYPE): Promise<Refusal> {
    const res = await send(
      stack.baseUrl,
      method,
      path,
      { authorization: `Bearer ${tenant.token}`, ...type },
      text,
    );
    expect(res.status).toBeLessThan(500);
    const body = (res.text ? JSON.parse(res.text) : {}) as { message?: string | string[] };
    return { status: res.status, message: body.message ?? '' };
  }

  /** Every route that takes a body, with a valid body of its own that a field can be added to. */
  const bodyRoutes = (): [string, string, string, (field: string) => string][] => {
    const fresh = () => JSON.stringify(`fresh-${randomUUID()}`);
    return [
      ['create project', 'POST', '/projects', (f) => `{"name":${fresh()},${f}}`],
      ['update project', 'PATCH', `/projects/${project.id}`, (f) => `{"description":"d",${f}}`],
      ['create task', 'POST', `/projects/${project.id}/tasks`, (f) => `{"title":"t",${f}}`],
      ['update task', 'PATCH', `/projects/${project.id}/tasks/${task.id}`, (f) => `{"done":true,${f}}`],
      ['import item', 'POST', '/projects/import', (f) => `{"items":[{"name":${fresh()},${f}}]}`],
      [
        'import task',
        'POST',
        '/projects/import',
        (f) => `{"items":[{"name":${fresh()},"tasks":[{"title":"t",${f}}]}]}`,
      ],
    ];
  };

  /** Nothing was written: the tenant holds only its base project and task, and no job. */
  async function expectNothingWritten(): Promise<void> {
    expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual([project.name]);
    const tasks = await tasksOf(tenant.tenantId);
    expect(tasks.map((t) => [t.title, t.done])).toEqual([['base', false]]);
    expect((await tenant.request<{ items: JobView[] }>('GET', '/jobs')).body.items).toEqual([]);
    expect((await tenant.request<ProjectView>('GET', `/projects/${project.id}`)).body.description).toBeNull();
  }

  describe('deeply nested bodies', () => {
    const deepArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    const deepObjects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

    it.each([
      ['10,000 levels of arrays', deepArrays(10_000)],
      ['10,000 levels of objects', deepObjects(10_000)],
      ['21 levels of arrays, one past the limit', deepArrays(21)],
    ])('should answer 400 to a body of %s on every route, and write nothing', async (_case, deep) => {
      for (const [route, method, path] of bodyRoutes()) {
        expect({ route, ...(await sendRaw(method, path, deep)) }).toEqual({
          route,
          status: 400,
          message: [DEPTH_MESSAGE],
        });
      }
      await expectNothingWritten();
    });

    it('should answer 400 to a field nested 10,000 levels deep on every route, and write nothing', async () => {
      for (const [route, method, path, withField] of bodyRoutes()) {
        const res = await sendRaw(method, path, withField(`"extra":${deepArrays(10_000)}`));
        expect({ route, ...res }).toEqual({ route, status: 400, message: [DEPTH_MESSAGE] });
      }
      await expectNothingWritten();
    });

    it('should answer 400 to an import nested a million levels deep (its body limit is larger)', async () => {
      const res = await sendRaw('POST', '/projects/import', `{"items":${deepArrays(1_000_000)}}`);
      expect(res).toEqual({ status: 400, message: [DEPTH_MESSAGE] });
      await expectNothingWritten();
    });

    it('should still take the deepest legitimate body, an import with tasks', async () => {
      const other = await TenantSession.create(stack.baseUrl);
      const res = await other.request('POST', '/projects/import', {
        items: [{ name: 'deep enough', tasks: [{ title: 't', done: true }] }],
      });
      expect(res.status).toBe(202);
    });
  });

  describe('keys that are special to JavaScript', () => {
    const values = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant({}),
      fc.dictionary(fc.constantFrom('a', 'polluted', 'isAdmin'), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
    );

    it('should answer 400 to a reserved key on every route and at every depth, like any unknown field', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...RESERVED_KEYS), values, fc.nat(5), async (key, value, at) => {
          const [route, method, path, withField] = bodyRoutes()[at];
          const res = await sendRaw(
            method,
            path,
            withField(`${JSON.stringify(key)}:${JSON.stringify(value)}`),
          );
          expect({ route, key, status: res.status }).toEqual({ route, key, status: 400 });
          if (Array.isArray(res.message)) {
            expect(res.message.some((m) => m.endsWith(`property ${key} should not exist`))).toBe(true);
          } else {
            // Fastify's parser refuses an own __proto__ (and constructor.prototype) before anyone reads it.
            expect(['__proto__', 'constructor']).toContain(key);
            expect(res.message).toMatch(/not valid JSON/);
          }
        }),
        { numRuns: 150 },
      );
      await expectNothingWritten();
    });

    it.each(RESERVED_KEYS)('should answer 400 to %s in a query string or a form body', async (key) => {
      for (const path of ['/projects', '/jobs', `/projects/${project.id}/tasks`]) {
        const res = await send(stack.baseUrl, 'GET', `${path}?limit=5&${encodeURIComponent(key)}=x`, {
          authorization: `Bearer ${tenant.token}`,
        });
        expect({ path, status: res.status, text: res.text }).toEqual({
          path,
          status: 400,
          text: expect.stringContaining(`property ${key} should not exist`) as string,
        });
      }
      const form = await sendRaw(
        'POST',
        '/projects',
        `name=form-${randomUUID()}&${encodeURIComponent(key)}=x`,
        {
          'content-type': 'application/x-www-form-urlencoded',
        },
      );
      // The form parser refuses an own __proto__ itself.
      expect(form).toEqual({
        status: 400,
        message:
          key === '__proto__'
            ? 'Object contains forbidden prototype property'
            : [`property ${key} should not exist`],
      });
      await expectNothingWritten();
    });

    it('should have the worker dead-letter a signed command with a reserved key, at any depth, and apply nothing', async () => {
      for (const key of ['constructor', 'toString', '__proto__', 'prototype']) {
        const name = `signed-${key}-${randomUUID()}`;
        const data: unknown = JSON.parse(`{"name":"${name}","${key}":{"x":1}}`);
        const reply = await broker.requestSigned(ProjectPattern.Create, data, { tenantId: tenant.tenantId });
        expect(reply).toMatchObject({ err: { code: 'invalid_input' } });
        expect(await broker.deadLetterReason(name)).toMatch(
          new RegExp(`invalid payload: property ${key} should not exist`),
        );
        expect(await countProjectsNamed(name)).toBe(0);
      }
      const name = `signed-nested-${randomUUID()}`;
      broker.publishSigned(
        'projects.import.v1',
        JSON.parse(`{"items":[{"name":"${name}","tasks":[{"title":"t","valueOf":1}]}]}`),
        { tenantId: tenant.tenantId },
      );
      expect(await broker.deadLetterReason(name)).toMatch(
        /invalid payload: items\.0\.tasks\.0\.property valueOf should not exist/,
      );
      expect(await countProjectsNamed(name)).toBe(0);
    });
  });
});

// Ten tenants importing at once: batches of different tenants share the jobs queue, the worker's
// prefetch and its pooled connections, and each tenant still ends with exactly its own rows.
import type { JobView } from '@app/jobs';
import { randomBytes } from 'node:crypto';
import { adminPool, projectsOf, tasksOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

process.env.JOB_BATCH_SIZE = '50';
// About isolation under load on a 2-core machine, not latency: the gateway waits longer than 5 s.
process.env.RPC_TIMEOUT_MS = '30000';

const TENANTS = 10;
const ITEMS = 300;

describe('Concurrent imports', () => {
  const stack = useStack();

  it(`should keep ${TENANTS} tenants importing ${ITEMS} projects at once apart`, async () => {
    const tag = randomBytes(4).toString('hex');
    const tenants = await Promise.all(
      Array.from({ length: TENANTS }, () => TenantSession.create(stack.baseUrl)),
    );
    const jobs = await Promise.all(
      tenants.map(async (tenant, t) => {
        const items = Array.from({ length: ITEMS }, (_, i) => ({
          name: `${tag}-t${t}-p${i}`,
          tasks: [{ title: `${tag}-t${t}-task` }],
        }));
        const res = await tenant.request<{ jobId: string }>('POST', '/projects/import', { items });
        expect(res.status).toBe(202);
        return res.body.jobId;
      }),
    );
    const done = await Promise.all(
      tenants.map((tenant, t) =>
        waitFor(
          async () => {
            const { body } = await tenant.request<JobView>('GET', `/jobs/${jobs[t]}`);
            return body.status === 'succeeded' && body;
          },
          60_000,
          `the import of tenant ${t}`,
        ),
      ),
    );
    for (const [t, tenant] of tenants.entries()) {
      expect(done[t]).toMatchObject({
        progress: { done: ITEMS, total: ITEMS },
        result: { imported: ITEMS, conflicts: 0 },
      });
      const rows = await projectsOf(tenant.tenantId);
      expect(rows).toHaveLength(ITEMS);
      expect(rows.every((p) => p.name.startsWith(`${tag}-t${t}-`))).toBe(true);
      const tasks = await tasksOf(tenant.tenantId);
      expect(tasks).toHaveLength(ITEMS);
      expect(tasks.every((task) => task.title === `${tag}-t${t}-task`)).toBe(true);
      // Read as the superuser, across every tenant: this tenant's names are all its own.
      const { rows: owners } = await (
        await adminPool()
      ).query<{ tenant_id: string; n: string }>(
        'SELECT tenant_id, count(*) AS n FROM projects WHERE name LIKE $1 GROUP BY tenant_id',
        [`${tag}-t${t}-%`],
      );
      expect(owners).toEqual([{ tenant_id: tenant.tenantId, n: String(ITEMS) }]);
      // Another tenant's job is not found.
      const other = tenants[(t + 1) % TENANTS];
      expect((await other.request('GET', `/jobs/${jobs[t]}`)).status).toBe(404);
    }
  }, 120_000);
});

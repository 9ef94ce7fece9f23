import type { ProjectPage, ProjectView } from '@app/messaging';
import { projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const TENANTS = 20;
const PROJECTS_PER_TENANT = 50;

describe('Concurrent tenants', () => {
  const stack = useStack();

  it(`should keep ${TENANTS} tenants x ${PROJECTS_PER_TENANT} interleaved creates and lists apart`, async () => {
    const tenants = await Promise.all(
      Array.from({ length: TENANTS }, () => TenantSession.create(stack.baseUrl)),
    );
    const leaks: string[] = [];

    // Every create and list of every tenant is in flight at once, so pooled connections, CLS
    // contexts and prefetched messages are shared between tenants as much as they ever will be.
    const calls = tenants.flatMap((tenant) =>
      Array.from({ length: PROJECTS_PER_TENANT }, async (_, i) => {
        const created = await tenant.request<ProjectView>('POST', '/projects', { name: `project-${i}` });
        if (created.status !== 201) throw new Error(`create answered ${created.status}`);
        if (created.body.tenantId !== tenant.tenantId)
          leaks.push(`create of ${tenant.tenantId} landed elsewhere`);
        const listed = await tenant.request<ProjectPage>('GET', '/projects?limit=100');
        if (listed.status !== 200) throw new Error(`list answered ${listed.status}`);
        for (const item of listed.body.items) {
          if (item.tenantId !== tenant.tenantId)
            leaks.push(`${tenant.tenantId} saw a row of ${item.tenantId}`);
        }
      }),
    );
    await Promise.all(calls);

    expect(leaks).toEqual([]);
    for (const tenant of tenants) {
      const stored = await projectsOf(tenant.tenantId);
      expect(stored).toHaveLength(PROJECTS_PER_TENANT);
      expect(new Set(stored.map((p) => p.name)).size).toBe(PROJECTS_PER_TENANT);
      const listed = await tenant.request<ProjectPage>('GET', '/projects?limit=100');
      expect(listed.body.items).toHaveLength(PROJECTS_PER_TENANT);
    }
  });
});

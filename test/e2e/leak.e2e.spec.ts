import type { ProjectPage, ProjectView } from '@app/projects';
import type { TaskPage, TaskView } from '@app/tasks';
import { projectsOf, tasksOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const TENANTS = 20;
const PROJECTS_PER_TENANT = 50;

// A thousand requests are in flight at once on a 2-core machine: this test is about isolation
// under load, not latency, so the gateway waits longer than its 5 s default before answering 503.
// 120 s: in two whole-suite runs (after the fault suites) the worker took 0.5 s a message instead
// of 0.08 s, and requests still queued after 30 s were answered 503. Cause not yet found.
process.env.RPC_TIMEOUT_MS = '120000';

describe('Concurrent tenants', () => {
  const stack = useStack();

  it(`should keep ${TENANTS} tenants x ${PROJECTS_PER_TENANT} interleaved creates and lists of projects and tasks apart`, async () => {
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
        const tasks = `/projects/${created.body.id}/tasks`;
        const task = await tenant.request<TaskView>('POST', tasks, { title: `task-${i}` });
        if (task.status !== 201) throw new Error(`task create answered ${task.status}`);
        if (task.body.tenantId !== tenant.tenantId) leaks.push(`task of ${tenant.tenantId} landed elsewhere`);
        const listedTasks = await tenant.request<TaskPage>('GET', tasks);
        if (listedTasks.status !== 200) throw new Error(`task list answered ${listedTasks.status}`);
        for (const item of listedTasks.body.items) {
          if (item.tenantId !== tenant.tenantId || item.projectId !== created.body.id)
            leaks.push(`${tenant.tenantId} saw task ${item.id} of ${item.tenantId}/${item.projectId}`);
        }
      }),
    );
    // Settled, not Promise.all: a failure must not leave the other chains still sending while the
    // stack closes.
    const failures = (await Promise.allSettled(calls)).flatMap((r) =>
      r.status === 'rejected' ? [String(r.reason)] : [],
    );
    expect(failures).toEqual([]);
    expect(leaks).toEqual([]);
    for (const tenant of tenants) {
      const stored = await projectsOf(tenant.tenantId);
      expect(stored).toHaveLength(PROJECTS_PER_TENANT);
      expect(new Set(stored.map((p) => p.name)).size).toBe(PROJECTS_PER_TENANT);
      const listed = await tenant.request<ProjectPage>('GET', '/projects?limit=100');
      expect(listed.body.items).toHaveLength(PROJECTS_PER_TENANT);
      const storedTasks = await tasksOf(tenant.tenantId);
      expect(storedTasks).toHaveLength(PROJECTS_PER_TENANT);
      expect(new Set(storedTasks.map((t) => t.project_id))).toEqual(new Set(stored.map((p) => p.id)));
    }
    // A hang guard, not a speed target: 50–65 s here alone, 244 s in a whole-suite run on a
    // host slowed about threefold (CI's jest took 855 s that day against 316 s before).
  }, 420_000);
});

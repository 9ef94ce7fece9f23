// A row locked by someone else: the worker's transaction waits at most DATABASE_LOCK_TIMEOUT_MS,
// then retries through its delay queues, so the command succeeds once the lock goes, within the
// caller's deadline; and is never applied once the caller has given up.
import type { ProjectView } from '@app/projects';
import { adminPool, projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

process.env.DATABASE_LOCK_TIMEOUT_MS = '300';
process.env.WORKER_RETRY_BASE_MS = '100';
process.env.RPC_TIMEOUT_MS = '4000';

/** Holds a row lock on the project, as the owner, until release() is called. */
async function lockProject(id: string): Promise<{ release: () => Promise<void> }> {
  const client = await (await adminPool()).connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [id]);
  return {
    async release() {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

describe('A locked row', () => {
  const stack = useStack();

  it('should be retried past the lock timeout and applied once the lock is released', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'locked' });
    const lock = await lockProject(project.id);
    const patch = tenant.request<ProjectView>('PATCH', `/projects/${project.id}`, { name: 'renamed' });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await lock.release();

    expect(await patch).toMatchObject({ status: 200, body: { name: 'renamed' } });
    expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual(['renamed']);
  });

  it('should answer 503 while the lock outlives the deadline, and never apply the change afterwards', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'held' });
    const lock = await lockProject(project.id);
    try {
      const patch = await tenant.request('PATCH', `/projects/${project.id}`, { name: 'too-late' });
      expect(patch.status).toBe(503);
    } finally {
      await lock.release();
    }
    // Retries still parked come back after the deadline and are refused before BEGIN.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual(['held']);
  });
});

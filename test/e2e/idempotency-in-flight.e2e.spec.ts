// Idempotency-Key, the concurrent case (IETF httpapi draft): while a request is being applied, the
// same key again is 409 with Retry-After, and applies nothing; once the first has answered, the key
// replays its answer.
import { randomUUID } from 'node:crypto';
import type { ProjectView } from '@app/projects';
import { adminPool, projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

// The first request waits on a row lock for longer than the test needs, and is not retried meanwhile.
process.env.DATABASE_LOCK_TIMEOUT_MS = '4000';

describe('Idempotency-Key in flight', () => {
  const stack = useStack();

  it('should answer 409 to the same key while its first request is being applied, then replay', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'busy' });
    const headers = { 'idempotency-key': `"${randomUUID()}"` };
    const lock = await (await adminPool()).connect();
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
    let first: Promise<{ status: number; body: ProjectView }>;
    try {
      first = tenant.request<ProjectView>('PATCH', `/projects/${project.id}`, { name: 'renamed' }, headers);
      // Give the first time to take its transaction (and the key) and wait on the row.
      await new Promise((resolve) => setTimeout(resolve, 500));

      const second = await fetch(`${stack.baseUrl}/projects/${project.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'renamed' }),
      });
      expect(second.status).toBe(409);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(await second.json()).toMatchObject({ message: expect.stringMatching(/still being processed/) });
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }

    const answered = await first;
    expect(answered).toMatchObject({ status: 200, body: { name: 'renamed' } });
    const replayed = await tenant.request('PATCH', `/projects/${project.id}`, { name: 'renamed' }, headers);
    expect(replayed).toEqual(answered);
    expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual(['renamed']);
  });
});

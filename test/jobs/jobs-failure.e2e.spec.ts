// A job whose batch cannot be applied ends `failed`, with an error a user can read, and the batch
// is dead-lettered with the reason and the attempts made; what other batches committed stays.
import type { JobView } from '@app/jobs';
import { MessageHeader } from '@app/messaging';
import { adminPool, projectsOf } from '../support/database';
import { useBroker } from '../support/broker';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

process.env.JOB_BATCH_SIZE = '10';
process.env.WORKER_RETRY_ATTEMPTS = '2';
process.env.WORKER_RETRY_BASE_MS = '50';
process.env.DATABASE_LOCK_TIMEOUT_MS = '200';

describe('A failing job', () => {
  const stack = useStack();
  const broker = useBroker();

  it('should end failed when a batch runs out of retries, its batch dead-lettered with the reason', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const lock = await (await adminPool()).connect();
    await lock.query('BEGIN');
    // Inserts into projects wait for this lock, past the lock timeout, on every attempt.
    await lock.query('LOCK TABLE projects IN SHARE MODE');
    let job: JobView;
    try {
      const items = Array.from({ length: 10 }, (_, i) => ({ name: `doomed-${i}` }));
      const res = await tenant.request<{ jobId: string }>('POST', '/projects/import', { items });
      expect(res.status).toBe(202);
      job = await waitFor(
        async () => {
          const { body } = await tenant.request<JobView>('GET', `/jobs/${res.body.jobId}`);
          return body.status === 'failed' && body;
        },
        20_000,
        'the job to fail',
      );
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
    expect(job.error).toMatch(/could not be applied/);
    expect(job.progress).toEqual({ done: 0, total: 10 });
    expect(job.finishedAt).toBeDefined();
    expect(await projectsOf(tenant.tenantId)).toEqual([]);

    const dead = await broker.takeDeadLetter('doomed-0');
    expect(String(dead.properties.headers?.[MessageHeader.DeadLetterReason])).toMatch(/transient error/);
    expect(dead.properties.headers?.[MessageHeader.Attempt]).toBe(2);
  });

  it('should fail the job, writing nothing of its batch, when an item the gateway would refuse reaches the worker', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    // Signed like the gateway but never validated by it (a bug, or version skew).
    const reply = (await broker.requestSigned(
      'projects.import.v1',
      { items: [{ name: 'fine' }, { name: '', sneaky: true }] },
      { tenantId: tenant.tenantId },
    )) as { response?: { jobId?: string } };
    const jobId = reply.response?.jobId ?? '';
    const job = await waitFor(
      async () => {
        const { body } = await tenant.request<JobView>('GET', `/jobs/${jobId}`);
        return body.status === 'failed' && body;
      },
      20_000,
      'the job to fail',
    );
    expect(job.error).toMatch(/invalid payload/);
    expect(await projectsOf(tenant.tenantId)).toEqual([]);
  });
});

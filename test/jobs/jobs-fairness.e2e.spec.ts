// Tenants' jobs interleave: a tenant's small import runs while another tenant's large one is under
// way, rather than after it. Each tenant's batches go to one of JOB_QUEUE_SHARDS jobs queues (by
// tenant), and the worker takes from all of them; with a single queue, first in first out, the
// small import's one batch would wait behind every batch of the large one.
import type { JobView } from '@app/jobs';
import { DEFAULT_QUEUE_SETTINGS, jobQueueFor } from '@app/messaging';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

process.env.JOB_BATCH_SIZE = '100';
const LARGE = 5_000;

async function finished(tenant: TenantSession, jobId: string): Promise<JobView> {
  return waitFor(
    async () => {
      const { body } = await tenant.request<JobView>('GET', `/jobs/${jobId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(body.status) && body;
    },
    60_000,
    `job ${jobId} to finish`,
  );
}

describe("Tenants' jobs", () => {
  const stack = useStack();

  it("should run a tenant's small import while another tenant's large one is still running", async () => {
    const shards = Number(process.env.JOB_QUEUE_SHARDS ?? DEFAULT_QUEUE_SETTINGS.jobShards);
    const shardOf = (t: TenantSession) => jobQueueFor(process.env.QUEUE_PREFIX ?? '', shards, t.tenantId);
    const large = await TenantSession.create(stack.baseUrl);
    // Tenants on different jobs queues (one in four shares a queue with another; then it queues).
    let small = await TenantSession.create(stack.baseUrl);
    while (shards > 1 && shardOf(small) === shardOf(large)) small = await TenantSession.create(stack.baseUrl);

    const items = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}` }));
    const a = await large.request<{ jobId: string }>('POST', '/projects/import', {
      items: items('large', LARGE),
    });
    const b = await small.request<{ jobId: string }>('POST', '/projects/import', {
      items: items('small', 10),
    });
    expect([a.status, b.status]).toEqual([202, 202]);

    const [bigJob, smallJob] = await Promise.all([
      finished(large, a.body.jobId),
      finished(small, b.body.jobId),
    ]);
    expect([bigJob.status, smallJob.status]).toEqual(['succeeded', 'succeeded']);
    // The small job ended while the large one's 50 batches were still being applied.
    expect(Date.parse(smallJob.finishedAt!)).toBeLessThan(Date.parse(bigJob.finishedAt!));
    expect(bigJob.progress).toEqual({ done: LARGE, total: LARGE });
  });
});

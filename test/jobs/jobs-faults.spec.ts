// Faults in the middle of an import: the worker process killed (kill -9) and restarted, the broker
// stopped and started, PostgreSQL stopped for 10 s. Each time the job resumes from its last
// committed batch and ends `succeeded` with exactly the expected rows: none twice, none lost.
import type { JobView } from '@app/jobs';
import { projectsOf } from '../support/database';
import { outage } from '../support/fault-stream';
import { pgctl, rabbitmqctl } from '../support/services';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';
import { useWorkerProcesses } from '../support/worker-process';

const ITEMS = 5_000;
// 50 batches, one at a time: the fault lands while the import is under way.
const WORKER_ENV = { JOB_BATCH_SIZE: '100', WORKER_JOB_PREFETCH: '1' };
const FINISHED = ['succeeded', 'failed', 'cancelled'];

describe('An import under faults', () => {
  const workers = useWorkerProcesses();
  const stack = useStack({ worker: false });

  async function startImport(tenant: TenantSession): Promise<string> {
    const items = Array.from({ length: ITEMS }, (_, i) => ({ name: `item-${i}` }));
    const res = await tenant.request<{ jobId: string }>('POST', '/projects/import', { items });
    expect(res.status).toBe(202);
    return res.body.jobId;
  }

  /** The job, once its progress passes `done` (polled through the gateway, bounded). */
  function jobPast(tenant: TenantSession, jobId: string, done: number, timeoutMs = 60_000): Promise<JobView> {
    return waitFor(
      async () => {
        const res = await tenant.request<JobView>('GET', `/jobs/${jobId}`);
        return (
          res.status === 200 &&
          (res.body.progress.done > done || FINISHED.includes(res.body.status)) &&
          res.body
        );
      },
      timeoutMs,
      `job ${jobId} past ${done}`,
    );
  }

  /** The job once some batches are committed, and still running: the fault must land mid-import. */
  async function midway(tenant: TenantSession, jobId: string): Promise<JobView> {
    const job = await jobPast(tenant, jobId, 0);
    expect(job.status).toBe('running');
    return job;
  }

  async function expectExactlyImported(tenant: TenantSession, jobId: string): Promise<JobView> {
    const job = await waitFor(
      async () => {
        const res = await tenant.request<JobView>('GET', `/jobs/${jobId}`);
        return res.status === 200 && FINISHED.includes(res.body.status) && res.body;
      },
      120_000,
      `job ${jobId} to finish`,
    );
    const rows = await projectsOf(tenant.tenantId);
    console.log('import under fault', {
      status: job.status,
      progress: job.progress,
      result: job.result,
      rows: rows.length,
    });
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: ITEMS, total: ITEMS } });
    expect(job.result).toMatchObject({ imported: ITEMS, conflicts: 0 });
    expect(rows).toHaveLength(ITEMS);
    expect(new Set(rows.map((p) => p.name)).size).toBe(ITEMS);
    return job;
  }

  it(
    'should resume after the worker is killed mid-import',
    workers.withLogs(async () => {
      const tenant = await TenantSession.create(stack.baseUrl);
      const first = await workers.start('first', WORKER_ENV);
      const jobId = await startImport(tenant);
      const before = await midway(tenant, jobId);
      await first.kill();
      console.log('killed at', before.progress);
      await workers.start('second', WORKER_ENV);
      await expectExactlyImported(tenant, jobId);
    }),
    180_000,
  );

  it.each([
    ['RabbitMQ is stopped for 3 s', 3_000, () => rabbitmqctl('stop_app'), () => rabbitmqctl('start_app')],
    ['PostgreSQL is stopped for 10 s', 10_000, () => pgctl('stop'), () => pgctl('start')],
  ])(
    'should resume after %s mid-import',
    (_what, ms, stop, start) =>
      workers.withLogs(async () => {
        const tenant = await TenantSession.create(stack.baseUrl);
        await workers.start('worker', WORKER_ENV);
        const jobId = await startImport(tenant);
        console.log('stopped at', (await midway(tenant, jobId)).progress);
        await outage(ms, stop, start)();
        await expectExactlyImported(tenant, jobId);
      })(),
    180_000,
  );
});

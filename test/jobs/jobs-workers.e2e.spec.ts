// Jobs in a worker of their own (WORKER_QUEUES=jobs), as `npm start` and the compose file run them:
// the worker of commands never takes a job's start or batch, the jobs worker takes no other command,
// its every thread runs at nice 10, and an import sent while no jobs worker runs is answered 503
// (nothing recorded), then accepted and run once one does.
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import type { JobView } from '@app/jobs';
import { jobQueueNames, queueNames } from '@app/messaging';
import { Broker } from '../support/broker';
import { projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';
import { useWorkerProcesses, WorkerProcess } from '../support/worker-process';

const ITEMS = 1_000;
const ENV = { JOB_BATCH_SIZE: '100' };

/** The nice value of each of the process's threads (Linux keeps one per thread). */
function threadPriorities(worker: WorkerProcess): number[] {
  const tids = readdirSync(`/proc/${worker.pid}/task`).map(Number);
  return tids.map((tid) => getPriority(tid));
}

describe('A worker for jobs beside a worker for commands', () => {
  const workers = useWorkerProcesses();
  const stack = useStack({ worker: false });
  const broker = new Broker();

  beforeAll(() => broker.connect());
  afterAll(() => broker.close());

  // Read when called: useStack gives this file its own queue prefix before the tests run.
  const consumers = async (prefix = process.env.QUEUE_PREFIX ?? '') => ({
    commands: await broker.consumerCount(queueNames(prefix).commands),
    jobStarts: await broker.consumerCount(queueNames(prefix).jobStarts),
    jobs: await Promise.all(jobQueueNames(prefix, 4).map((queue) => broker.consumerCount(queue))),
  });

  it(
    'should start and run imports in the jobs worker only, at a lower priority, and refuse them while none runs',
    workers.withLogs(async () => {
      const commands = await workers.start('commands', { ...ENV, WORKER_QUEUES: 'commands' });
      expect(await consumers()).toEqual({ commands: 1, jobStarts: 0, jobs: [0, 0, 0, 0] });
      expect(threadPriorities(commands).every((nice) => nice === 0)).toBe(true);

      // No jobs worker yet: nobody starts the import, so the gateway answers 503 at its deadline, and
      // nothing is recorded (the start expires in its queue, to the dead-letter queue).
      const tenant = await TenantSession.create(stack.baseUrl);
      const items = Array.from({ length: ITEMS }, (_, i) => ({ name: `item-${i}` }));
      const key = { 'idempotency-key': `"${randomUUID()}"` };
      const refused = await tenant.request('POST', '/projects/import', { items }, key);
      expect(refused.status).toBe(503);
      expect((await tenant.request<{ items: JobView[] }>('GET', '/jobs')).body.items).toEqual([]);

      const jobs = await workers.start('jobs', { ...ENV, WORKER_QUEUES: 'jobs' });
      // Its other channels open beside the first one, a moment after the worker says it consumes.
      await waitFor(
        async () => {
          const counts = await consumers();
          return counts.jobStarts === 1 && counts.jobs.every((count) => count === 1);
        },
        10_000,
        'the jobs worker on the job-start queue and every jobs queue',
      );
      expect(await consumers()).toEqual({ commands: 1, jobStarts: 1, jobs: [1, 1, 1, 1] });
      expect(threadPriorities(jobs).every((nice) => nice === 10)).toBe(true);

      // The client's retry, with the same key, is accepted.
      const res = await tenant.request<{ jobId: string }>('POST', '/projects/import', { items }, key);
      expect(res.status).toBe(202);

      const job = await waitFor(
        async () => {
          const { body } = await tenant.request<JobView>('GET', `/jobs/${res.body.jobId}`);
          return body.status !== 'queued' && body.status !== 'running' && body;
        },
        60_000,
        'the import to finish',
      );
      expect(job).toMatchObject({ status: 'succeeded', progress: { done: ITEMS, total: ITEMS } });
      expect(await projectsOf(tenant.tenantId)).toHaveLength(ITEMS);
      // Each worker handled only its own kind: the start and the batches in the jobs worker, the
      // rest in the other.
      expect(commands.timesLogged('"pattern":"projects.import.v1"')).toBe(0);
      expect(jobs.timesLogged('"pattern":"projects.import.v1","outcome":"acked"')).toBe(1);
      expect(commands.timesLogged('projects.import-batch.v1')).toBe(0);
      expect(jobs.timesLogged('projects.import-batch.v1')).toBeGreaterThan(0);
      expect(jobs.timesLogged('"pattern":"projects.create.v1"')).toBe(0);
      expect(jobs.timesLogged('jobs.get.v1')).toBe(0);
    }),
    120_000,
  );
});

// Fault: a poison message, one that fails with the same transient error on every attempt (a PATCH
// of a row that someone else keeps locked past every lock timeout). The worker retries it through
// the delay queues up to WORKER_RETRY_ATTEMPTS, then dead-letters it with the reason and the attempt
// count, and its caller gets 503. Meanwhile other tenants' creates keep flowing: between attempts
// the message waits in a delay queue, not at the head of the command queue.
import type { ProjectView } from '@app/projects';
import { MessageHeader } from '@app/messaging';
import { useBroker, whyDeadLettered } from '../support/broker';
import { adminPool, projectsOf } from '../support/database';
import { expectNoHarm, underFault, warmUp } from '../support/fault-stream';
import { useStack } from '../support/stack';
import { ApiResponse, TenantSession } from '../support/tenant-session';
import { useWorkerProcesses } from '../support/worker-process';

const ATTEMPTS = 4;
// Four lock waits of 500 ms and three delays of about 250, 500 and 1000 ms: some 3.5 s of poison.
const WORKER_ENV = {
  WORKER_RETRY_ATTEMPTS: String(ATTEMPTS),
  WORKER_RETRY_BASE_MS: '250',
  DATABASE_LOCK_TIMEOUT_MS: '500',
};
// The gateway's patience, well past all attempts: the poison must run out of attempts, not of time.
process.env.RPC_TIMEOUT_MS = '15000';

describe('A poison message', () => {
  const workers = useWorkerProcesses();
  const stack = useStack({ worker: false });
  const broker = useBroker();

  it(
    'should be retried to the limit, then dead-lettered with its reason and attempts, while the queue keeps flowing',
    workers.withLogs(async () => {
      const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
      const poisoner = await TenantSession.create(stack.baseUrl);
      const worker = await workers.start('worker', WORKER_ENV);
      await warmUp(stack.baseUrl);
      const { body: project } = await poisoner.request<ProjectView>('POST', '/projects', { name: 'held' });
      const rowsOfStream = async () => (await Promise.all(tenants.map((t) => projectsOf(t.tenantId)))).flat();

      const lock = await (await adminPool()).connect();
      let poison: ApiResponse | undefined;
      let createdMeanwhile = 0;
      let outcome;
      try {
        await lock.query('BEGIN');
        await lock.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
        outcome = await underFault(tenants, async () => {
          const before = (await rowsOfStream()).length;
          poison = await poisoner.request('PATCH', `/projects/${project.id}`, { name: 'poisoned' });
          createdMeanwhile = (await rowsOfStream()).length - before;
        });
      } finally {
        await lock.query('ROLLBACK');
        lock.release();
      }
      const deadLetters = await broker.drainDeadLetters([...tenants, poisoner].map((t) => t.tenantId));
      const headers = deadLetters[0]?.properties.headers ?? {};
      console.log('poison message', {
        ...outcome.tally,
        deadLettered: deadLetters.length,
        reason: deadLetters.map(whyDeadLettered),
        attempts: headers[MessageHeader.Attempt] as unknown,
        poisonStatus: poison?.status,
        createdMeanwhile,
      });

      expect(poison?.status).toBe(503);
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0].content.toString()).toContain('"poisoned"');
      expect(headers[MessageHeader.DeadLetterReason]).toMatch(/^transient error: /);
      expect(headers[MessageHeader.Attempt]).toBe(ATTEMPTS);
      expect(worker.timesLogged('Retrying in')).toBe(ATTEMPTS - 1);
      expect((await projectsOf(poisoner.tenantId)).map((p) => p.name)).toEqual(['held']);
      // The queue was not blocked: the others' creates went on while the poison was being retried.
      expect(createdMeanwhile).toBeGreaterThan(0);
      expectNoHarm(outcome);
      expect(outcome.tally.keysCreated).toBe(outcome.tally.keys);
      expect(outcome.tally[503]).toBe(0);
    }),
    60_000,
  );
});

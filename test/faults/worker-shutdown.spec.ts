// Fault: a worker process gets SIGTERM while tenants keep creating projects. It stops consuming,
// finishes what it holds, then exits by itself within WORKER_DRAIN_MS; the other worker takes the
// rest. No 500, no 503, nothing lost, nothing dead-lettered. The workers are real processes, so
// this is the signal and Nest's shutdown hooks, not a close() called by the test.
import type { ProjectView } from '@app/projects';
import { useBroker } from '../support/broker';
import { adminPool, projectsOf } from '../support/database';
import { expectNoHarm, underFault, warmUp } from '../support/fault-stream';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';
import { useWorkerProcesses } from '../support/worker-process';

const DRAIN_MS = 3_000;
// For closing the broker connection and the pool after the drain, and the process exiting: up to
// 2.5 s were seen on a loaded 2-core machine.
const EXIT_MARGIN_MS = 5_000;
const WORKER_ENV = { WORKER_DRAIN_MS: String(DRAIN_MS), DATABASE_LOCK_TIMEOUT_MS: '3000' };

describe('A worker process sent SIGTERM mid-stream', () => {
  const workers = useWorkerProcesses();
  const stack = useStack({ worker: false });
  const broker = useBroker();

  it(
    'should drain what it holds, exit 0, and leave the rest to the other worker',
    workers.withLogs(async () => {
      const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
      const [stopping] = await Promise.all([
        workers.start('stopping', WORKER_ENV),
        workers.start('staying', WORKER_ENV),
      ]);
      await warmUp(stack.baseUrl);
      let exit = { code: null as number | null, signal: null as string | null, ms: 0 };
      const outcome = await underFault(tenants, async () => {
        exit = await stopping.terminate(DRAIN_MS + EXIT_MARGIN_MS);
      });
      const deadLettered = (await broker.drainDeadLetters(tenants.map((t) => t.tenantId))).length;
      const drained = stopping.timesLogged('Stopped consuming; waiting') > 0;
      console.log('worker sent SIGTERM', { ...outcome.tally, deadLettered, exit, drained });

      expect(exit).toMatchObject({ code: 0, signal: null });
      expectNoHarm(outcome);
      expect(outcome.tally.keysCreated).toBe(outcome.tally.keys);
      expect(outcome.tally[503]).toBe(0);
      expect(deadLettered).toBe(0);
    }),
    60_000,
  );

  it(
    'should wait for a message it holds before it exits, and finish it',
    workers.withLogs(async () => {
      const tenant = await TenantSession.create(stack.baseUrl);
      const worker = await workers.start('alone', WORKER_ENV);
      const { body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'slow' });
      // The worker will hold the PATCH while it waits (under its lock timeout) for this lock.
      const admin = await adminPool();
      const lock = await admin.connect();
      try {
        await lock.query('BEGIN');
        await lock.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
        const patch = tenant.request('PATCH', `/projects/${project.id}`, { name: 'finished' });
        await waitFor(() => workerWaitsForLock(), 5_000, 'the worker waiting for the row lock');
        const exiting = worker.terminate(DRAIN_MS + EXIT_MARGIN_MS);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await lock.query('COMMIT');
        const exit = await exiting;
        console.log('worker sent SIGTERM while holding a message', exit);

        expect(exit).toMatchObject({ code: 0, signal: null });
        expect(exit.ms).toBeGreaterThanOrEqual(400);
        // Applied and answered by the exiting worker, before it went.
        expect((await patch).status).toBe(200);
        expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual(['finished']);
      } finally {
        await lock.query('ROLLBACK');
        lock.release();
      }
    }),
  );
});

/** Whether a worker's transaction is waiting for a lock in this run's database. */
async function workerWaitsForLock(): Promise<boolean> {
  const { rows } = await (
    await adminPool()
  ).query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'tenantry-worker'
        AND wait_event_type = 'Lock'`,
  );
  return Number(rows[0]?.n) > 0;
}

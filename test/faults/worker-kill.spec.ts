// Fault: one of two worker processes is killed (kill -9) while tenants keep creating projects. What
// it held unacked the broker hands to the other, and the inbox answers any whose work had committed:
// no 500, nothing answered 201 lost, no key applied twice, nothing dead-lettered. A 503 comes only
// from a message the victim had committed and acked but not yet answered when it died: that reply
// dies with it, and the client's retry is answered from the inbox. The
// gateway runs in this process; the workers are real processes (test/support/worker-process.ts).
import { useBroker } from '../support/broker';
import { expectNoHarm, underFault, warmUp } from '../support/fault-stream';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { useWorkerProcesses } from '../support/worker-process';

describe('One of two worker processes killed mid-stream', () => {
  const workers = useWorkerProcesses();
  const stack = useStack({ worker: false });
  const broker = useBroker();

  it(
    'should leave the rest to the other worker',
    workers.withLogs(async () => {
      const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
      const [victim] = await Promise.all([workers.start('victim'), workers.start('survivor')]);
      await warmUp(stack.baseUrl);
      const outcome = await underFault(tenants, async () => {
        await victim.kill();
      });
      const deadLetters = await broker.drainDeadLetters(tenants.map((t) => t.tenantId));
      console.log('one of two workers killed', { ...outcome.tally, deadLettered: deadLetters.length });

      expectNoHarm(outcome);
      expect(outcome.tally.keysCreated).toBe(outcome.tally.keys);
      // At most what the victim held at once (WORKER_PREFETCH, 10): seen once here, on a slow machine.
      expect(outcome.tally[503]).toBeLessThanOrEqual(10);
      expect(deadLetters).toEqual([]);
    }),
    60_000,
  );
});

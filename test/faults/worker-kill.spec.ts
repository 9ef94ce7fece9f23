// Fault: a worker process is killed (kill -9) while tenants keep creating projects. What it held
// unacked the broker hands out again, and the inbox answers any whose work had committed: no 500,
// nothing answered 201 lost, no key applied twice. The gateway runs in this process; the workers
// are real processes (see test/support/worker-process.ts).
import { messageIdFor } from '../../libs/command-client/src/idempotency-key';
import { useBroker, whyDeadLettered } from '../support/broker';
import { expectNoHarm, underFault, warmUp } from '../support/fault-stream';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { useWorkerProcesses } from '../support/worker-process';

// The gateway's patience, short so that commands expire while no worker runs (read when it starts).
process.env.RPC_TIMEOUT_MS = '2000';
const DOWN_MS = 2_500;

describe('A worker process killed mid-stream', () => {
  const workers = useWorkerProcesses();
  const stack = useStack({ worker: false });
  const broker = useBroker();

  it(
    'should lose nothing and apply nothing twice when the only worker is killed and another started',
    workers.withLogs(async () => {
      const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
      const first = await workers.start('first');
      const outcome = await underFault(tenants, async () => {
        await first.kill();
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        await workers.start('second');
      });
      const deadLetters = await broker.drainDeadLetters();
      const reasons = deadLetters.map(whyDeadLettered);
      console.log('only worker killed, another started', {
        ...outcome.tally,
        deadLettered: deadLetters.length,
        reasons: [...new Set(reasons)],
      });

      expectNoHarm(outcome);
      expect(outcome.tally.keysCreated).toBe(outcome.tally.keys);
      // While no worker ran, commands whose caller gave up could only expire (in the queue, or
      // refused by the next worker as past their deadline): never applied, never a transient error.
      expect(reasons.filter((reason) => !/^expired$|deadline/.test(reason))).toEqual([]);
      // And each had been answered 503, so its client retried it with its key to the one row above.
      const answered503 = new Set(
        outcome.answers.filter((a) => a.status === 503).map((a) => messageIdFor(a.tenantId, a.key)),
      );
      expect(deadLetters.filter((m) => !answered503.has(String(m.properties.messageId)))).toEqual([]);
    }),
    90_000,
  );

  it(
    'should leave the rest to the other worker when one of two is killed',
    workers.withLogs(async () => {
      const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
      const [victim] = await Promise.all([workers.start('victim'), workers.start('survivor')]);
      await warmUp(tenants[0]);
      const outcome = await underFault(tenants, async () => {
        await victim.kill();
      });
      const deadLettered = (await broker.drainDeadLetters()).length;
      console.log('one of two workers killed', { ...outcome.tally, deadLettered });

      expectNoHarm(outcome);
      expect(outcome.tally.keysCreated).toBe(outcome.tally.keys);
      expect(outcome.tally[503]).toBe(0);
      expect(deadLettered).toBe(0);
    }),
    90_000,
  );
});

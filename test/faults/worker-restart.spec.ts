// Fault: the only worker process is killed (kill -9) while tenants keep creating projects, and
// another is started a little later than the gateway waits. What the killed one held unacked the
// broker hands out again, and the inbox answers any whose work had committed; what nobody took
// before its caller gave up expires. No 500, nothing answered 201 lost, no key applied twice.
// The gateway runs in this process; the workers are real processes (test/support/worker-process.ts).
import { messageIdFor } from '../../libs/command-client/src/idempotency-key';
import { useBroker, whyDeadLettered } from '../support/broker';
import { expectNoHarm, underFault } from '../support/fault-stream';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { useWorkerProcesses } from '../support/worker-process';

// The gateway's patience, shorter than the time without a worker, so that commands expire meanwhile
// (read when the gateway starts).
process.env.RPC_TIMEOUT_MS = '2000';
const DOWN_MS = 2_500;

describe('The only worker process killed mid-stream', () => {
  const workers = useWorkerProcesses();
  const stack = useStack({ worker: false });
  const broker = useBroker();

  it(
    'should lose nothing and apply nothing twice once another worker is started',
    workers.withLogs(async () => {
      const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
      const first = await workers.start('first');
      const outcome = await underFault(tenants, async () => {
        await first.kill();
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        await workers.start('second');
      });
      const deadLetters = await broker.drainDeadLetters(tenants.map((t) => t.tenantId));
      const reasons = deadLetters.map(whyDeadLettered);
      const byReason: Record<string, number> = {};
      for (const reason of reasons) {
        const kind = reason.replace(/\d+ ms/, 'N ms');
        byReason[kind] = (byReason[kind] ?? 0) + 1;
      }
      console.log('only worker killed, another started', {
        ...outcome.tally,
        deadLettered: deadLetters.length,
        byReason,
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
    60_000,
  );
});

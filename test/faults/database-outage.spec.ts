// Fault: PostgreSQL stops for a few seconds while tenants keep creating projects. The worker must
// retry through its delay queues rather than dead-letter: no 500, nothing answered 201 lost, and
// no transient error in the dead-letter queue.
import { MessageHeader } from '@app/messaging';
import { useBroker } from '../support/broker';
import { pgctl } from '../support/services';
import { expectNoHarm, outage, underFault } from '../support/fault-stream';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const OUTAGE_MS = 6_000;

describe('A database outage', () => {
  const stack = useStack();
  const broker = useBroker();

  it('should retry, not dead-letter: no 500, nothing lost, no transient error in the dead-letter queue', async () => {
    const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
    // How many consumers the command queue has, sampled through the outage.
    const consumers: number[] = [];
    const outcome = await underFault(
      tenants,
      outage(
        OUTAGE_MS,
        () => pgctl('stop'),
        () => pgctl('start'),
        async () => {
          consumers.push(await broker.consumerCount(broker.queues.commands));
        },
      ),
    );
    const reasons: string[] = [];
    for (
      let m = await broker.channel.get(broker.queues.deadLetter);
      m;
      m = await broker.channel.get(broker.queues.deadLetter)
    ) {
      reasons.push(
        String(
          m.properties.headers?.[MessageHeader.DeadLetterReason] ??
            m.properties.headers?.['x-death']?.[0]?.reason,
        ),
      );
    }
    const paused = consumers.filter((count) => count === 0).length;
    console.log('database outage', {
      ...outcome.tally,
      deadLettered: reasons.length,
      paused,
      samples: consumers.length,
    });

    expectNoHarm(outcome);
    // Only commands whose caller had already given up may be dead-lettered; none for the fault itself.
    expect(reasons.filter((r) => !/deadline|expired/.test(r))).toEqual([]);
    // The worker stopped taking messages while the database was away, and came back by itself.
    expect(paused).toBeGreaterThan(0);
    expect(await broker.consumerCount(broker.queues.commands)).toBe(1);
  }, 90_000);
});

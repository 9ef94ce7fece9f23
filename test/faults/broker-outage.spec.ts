// Fault: RabbitMQ stops for a few seconds while tenants keep creating projects. Every answer must be
// a 201 or a 503 with Retry-After (never a 500, never a hang), and every 201 must have its row.
import { expectNoHarm, outage, underFault } from '../support/fault-stream';
import { rabbitmqctl } from '../support/services';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const OUTAGE_MS = 3_000;

describe('A broker outage', () => {
  const stack = useStack();

  it('should answer 503 with Retry-After, never 500, and lose nothing it answered 201', async () => {
    const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
    const outcome = await underFault(
      tenants,
      outage(
        OUTAGE_MS,
        () => rabbitmqctl('stop_app'),
        () => rabbitmqctl('start_app'),
      ),
    );
    console.log('broker outage', outcome.tally);

    expectNoHarm(outcome);
    expect(outcome.tally[503]).toBeGreaterThan(0);
  }, 90_000);
});

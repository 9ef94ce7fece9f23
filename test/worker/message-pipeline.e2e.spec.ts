// What the message pipeline promises, seen from the broker with a real worker and database.
import { randomUUID } from 'node:crypto';
import { ProjectPattern } from '@app/projects';
import { useBroker } from '../support/broker';
import { countProjectsNamed } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

describe('The message pipeline', () => {
  const stack = useStack();
  const broker = useBroker();

  it('should refuse an invalid payload before the transaction: a suspended tenant gets a dead letter, not a 403', async () => {
    // The tenant's status is read inside the transaction. Had validation run there too, this would
    // be answered tenant_forbidden; refused before BEGIN, it is dead-lettered as invalid.
    const suspended = await TenantSession.create(stack.baseUrl, 'suspended');
    const name = `invalid-${randomUUID()}`;
    broker.publishSigned(ProjectPattern.Create, { name, owner: 'me' }, { tenantId: suspended.tenantId });

    expect(await broker.deadLetterReason(name)).toMatch(/^Message rejected: invalid payload: property owner/);
    expect(await countProjectsNamed(name)).toBe(0);
  });

  it('should hand the handler the validated payload, converted to its class', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    for (const name of ['one', 'two', 'three']) {
      expect((await tenant.request('POST', '/projects', { name })).status).toBe(201);
    }
    // The limit arrives as a string; only the converted instance makes it the number 2.
    const reply = await broker.requestSigned(
      ProjectPattern.List,
      { limit: '2' },
      { tenantId: tenant.tenantId },
    );

    expect(reply).toMatchObject({
      response: {
        items: [expect.objectContaining({ name: 'three' }), expect.objectContaining({ name: 'two' })],
        nextCursor: expect.any(String),
      },
    });
  });
});

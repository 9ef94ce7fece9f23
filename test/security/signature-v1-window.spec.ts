// The upgrade window of the signature format (MESSAGE_SIGNATURE_ACCEPT_V1=true): commands queued by
// gateways of before v2 are still applied. A v1 signature covers the parsed payload, so those alone
// are checked after parsing; a tampered one is still refused, and the rest is checked as always.
import { randomUUID } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { ProjectPattern } from '@app/projects';
import { useBroker } from '../support/broker';
import { createTenant, projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { waitFor } from '../support/wait-for';

process.env.MESSAGE_SIGNATURE_ACCEPT_V1 = 'true';

describe('Commands during the upgrade window of the signature format', () => {
  useStack();
  const broker = useBroker();
  let tenantId: string;

  beforeAll(async () => {
    tenantId = await createTenant();
  });

  const applied = (name: string) =>
    waitFor(async () => (await projectsOf(tenantId)).some((p) => p.name === name), 5_000, `${name} applied`);

  it.each([
    ['signed in the format before v2', { v1: true }],
    ['signed in v2', {}],
  ])('should apply a command %s', async (_case, format) => {
    const name = `window-${randomUUID()}`;

    broker.publishSigned(ProjectPattern.Create, { name }, { tenantId, ...format });

    await applied(name);
  });

  it.each<[string, (name: string) => void, RegExp]>([
    [
      'a v1 command whose body changed after signing (checked once parsed)',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name: 'original' },
          { tenantId, v1: true, tamperedData: { name } },
        ),
      /signature invalid/,
    ],
    [
      'a v1 command re-addressed to another tenant',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId, v1: true, headers: { [MessageHeader.TenantId]: randomUUID() } },
        ),
      /signature invalid/,
    ],
    [
      'a v2 command whose body changed after signing (checked before parsing)',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name: 'original' },
          { tenantId, tamperedData: { name } },
        ),
      /signature invalid/,
    ],
    [
      'an unsigned command',
      (name) =>
        broker.publish(ProjectPattern.Create, { name }, { headers: { [MessageHeader.TenantId]: tenantId } }),
      /signature missing/,
    ],
  ])('should still dead-letter %s, and write nothing', async (_case, publish, reason) => {
    const name = `window-${randomUUID()}`;

    publish(name);

    expect(await broker.deadLetterReason(name)).toMatch(reason);
    expect((await projectsOf(tenantId)).filter((p) => [name, 'original'].includes(p.name))).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { ProjectPattern } from '@app/projects';
import { useBroker, whyDeadLettered } from '../support/broker';
import { countProjectsNamed } from '../support/database';
import { SignedPublish, signLikeGateway } from '../support/signing';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

describe('Messages the worker must not process', () => {
  const stack = useStack();
  const broker = useBroker();
  let tenant: TenantSession;

  beforeAll(async () => {
    tenant = await TenantSession.create(stack.baseUrl);
  });

  // Signed as they are sent: the worker's own checks of the headers refuse them, after the signature.
  it.each<[string, (tenantId: string) => Partial<SignedPublish>, RegExp]>([
    [
      'no tenant header',
      () => ({ tenantId: '', headers: { [MessageHeader.TenantId]: undefined } }),
      /x-tenant-id header is missing or not a uuid/,
    ],
    ['a non-uuid tenant header', () => ({ tenantId: 'not-a-uuid' }), /x-tenant-id/],
    ['an SQL-looking tenant header', () => ({ tenantId: "' OR 1=1 --" }), /x-tenant-id/],
    [
      'no user header',
      (tenantId) => ({ tenantId, userId: '', headers: { [MessageHeader.UserId]: undefined } }),
      /x-user-id/,
    ],
  ])(
    'should dead-letter a create with %s, with the reason, and write nothing',
    async (_case, signed, reason) => {
      const name = `dl-${randomUUID()}`;
      broker.publishSigned(
        ProjectPattern.Create,
        { name },
        { tenantId: tenant.tenantId, ...signed(tenant.tenantId) },
      );

      expect(await broker.deadLetterReason(name)).toMatch(reason);
      expect(await countProjectsNamed(name)).toBe(0);
    },
  );

  it('should dead-letter a signed create whose deadline has passed', async () => {
    const name = `dl-${randomUUID()}`;
    broker.publishSigned(
      ProjectPattern.Create,
      { name },
      { tenantId: tenant.tenantId, deadline: String(Date.now() - 1000) },
    );
    expect(await broker.deadLetterReason(name)).toMatch(/deadline passed/);
    expect(await countProjectsNamed(name)).toBe(0);
  });

  it('should dead-letter a signed request (with reply expected) that carries no tenant, and answer it', async () => {
    const name = `dl-${randomUUID()}`;
    const reply = await broker.channel.assertQueue('', { exclusive: true, autoDelete: true });
    const id = randomUUID();
    const { content, headers, messageId } = signLikeGateway(
      ProjectPattern.Create,
      { name },
      {
        tenantId: '',
        headers: { [MessageHeader.TenantId]: undefined },
        replyTo: reply.queue,
        correlationId: id,
        id,
      },
    );
    broker.channel.sendToQueue(broker.queues.commands, content, {
      headers,
      messageId,
      replyTo: reply.queue,
      correlationId: id,
    });

    await broker.takeDeadLetter(name);
    const answer = await waitFor(() => broker.channel.get(reply.queue, { noAck: true }));
    expect(JSON.parse(answer.content.toString())).toMatchObject({
      err: { code: 'invalid_input', message: expect.stringContaining('x-tenant-id') },
    });
    expect(await countProjectsNamed(name)).toBe(0);
  });

  it('should dead-letter an unsigned request unread, and answer nothing: its reply address is the sender’s choice', async () => {
    const name = `dl-${randomUUID()}`;
    const reply = await broker.channel.assertQueue('', { exclusive: true, autoDelete: true });
    const id = randomUUID();
    broker.publish(ProjectPattern.Create, { name }, { replyTo: reply.queue, correlationId: id }, id);

    expect(whyDeadLettered(await broker.takeDeadLetter(name))).toMatch(/signature missing/);
    // Replies go out before the message is settled; none is coming.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await broker.channel.get(reply.queue, { noAck: true })).toBe(false);
    expect(await countProjectsNamed(name)).toBe(0);
  });

  it('should dead-letter an invalid payload and an unknown pattern', async () => {
    const name = `dl-${randomUUID()}`;
    broker.publishSigned(ProjectPattern.Create, { name, owner: 'me' }, { tenantId: tenant.tenantId });
    broker.publishSigned(
      'projects.drop-everything.v1',
      { name: `${name}-unknown` },
      { tenantId: tenant.tenantId },
    );
    expect(await broker.deadLetterReason(`"${name}"`)).toMatch(
      /invalid payload: property owner should not exist/,
    );
    // Nest itself rejects patterns it has no handler for; RabbitMQ records that in x-death.
    const unknown = await broker.takeDeadLetter(`${name}-unknown`);
    expect(unknown.properties.headers?.['x-death']).toEqual([
      expect.objectContaining({ reason: 'rejected' }),
    ]);
    expect(await countProjectsNamed(name)).toBe(0);
  });

  it('should settle every message: none is left on the queue once the worker stops', async () => {
    const name = `ok-${randomUUID()}`;
    broker.publishSigned(ProjectPattern.Create, { name }, { tenantId: tenant.tenantId });
    broker.publishSigned(
      ProjectPattern.Create,
      { name: `${name}-bad` },
      { tenantId: tenant.tenantId, headers: { [MessageHeader.TenantId]: 'nope' } },
    );
    await broker.takeDeadLetter(`${name}-bad`);
    await waitFor(async () => ((await countProjectsNamed(name)) === 1 ? true : undefined));

    await stack.worker?.close();
    stack.worker = undefined;
    // Unacked deliveries return to the queue when their consumer goes; none may be there.
    expect(await broker.messageCount(broker.queues.commands)).toBe(0);
  });
});

// Threat: someone who can publish to the broker (a leaked AMQP credential, a compromised
// service) forges or replays commands. The worker must process only messages signed by the
// gateway's key, fresh and seen once, and take the tenant from the signed headers only.
import { randomUUID } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { ProjectPattern } from '@app/projects';
import { useBroker } from '../support/broker';
import { signLikeGateway } from '../support/signing';
import { projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { useTenantPair } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

// This file's worker is mid-rotation: it accepts the current key and the previous one.
const PREVIOUS_KEY = 'tenantry-tests-previous-message-key-0123456789';
process.env.MESSAGE_SIGNING_KEY_PREVIOUS = PREVIOUS_KEY;

describe('Commands published by someone other than the gateway', () => {
  const stack = useStack();
  const broker = useBroker();
  const pair = useTenantPair(stack, beforeAll);

  /** Waits (at most 5 s) until the tenant holds a project of this name. */
  const applied = (tenantId: string, name: string) =>
    waitFor(async () => (await projectsOf(tenantId)).some((p) => p.name === name), 5_000, `${name} applied`);

  it('should apply a correctly signed command (the control case)', async () => {
    const name = `signed-${randomUUID()}`;
    broker.publishSigned(ProjectPattern.Create, { name }, { tenantId: pair.a.tenantId });
    await applied(pair.a.tenantId, name);
    expect((await projectsOf(pair.a.tenantId)).map((p) => p.name)).toContain(name);
  });

  it('should apply a command whose signed traceparent is sent as signed (the control case)', async () => {
    const name = `traced-${randomUUID()}`;
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    broker.publishSigned(ProjectPattern.Create, { name }, { tenantId: pair.a.tenantId, traceparent });
    await applied(pair.a.tenantId, name);
    expect((await projectsOf(pair.a.tenantId)).map((p) => p.name)).toContain(name);
  });

  it.each<[string, (name: string) => void, RegExp]>([
    [
      'an unsigned command',
      (name) =>
        broker.publish(
          ProjectPattern.Create,
          { name },
          { headers: { [MessageHeader.TenantId]: pair.a.tenantId, [MessageHeader.UserId]: 'u' } },
        ),
      /signature missing/,
    ],
    [
      'a command signed with another key',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, secret: 'an-attacker-chosen-key-0123456789abcdef' },
        ),
      /signature invalid/,
    ],
    [
      'a command re-addressed to another tenant after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, headers: { [MessageHeader.TenantId]: pair.b.tenantId } },
        ),
      /signature invalid/,
    ],
    [
      'a command whose body changed after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name: 'original' },
          { tenantId: pair.a.tenantId, tamperedData: { name } },
        ),
      /signature invalid/,
    ],
    [
      'a command whose user changed after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, headers: { [MessageHeader.UserId]: 'admin' } },
        ),
      /signature invalid/,
    ],
    [
      'a command whose deadline was extended after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          {
            tenantId: pair.a.tenantId,
            headers: { [MessageHeader.Deadline]: String(Date.now() + 3_600_000) },
          },
        ),
      /signature invalid/,
    ],
    [
      'a command moved onto another trace after signing (traceparent changed)',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          {
            tenantId: pair.a.tenantId,
            traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
            headers: { [MessageHeader.TraceParent]: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` },
          },
        ),
      /signature invalid/,
    ],
    [
      'a command given a traceparent after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          {
            tenantId: pair.a.tenantId,
            headers: { [MessageHeader.TraceParent]: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` },
          },
        ),
      /signature invalid/,
    ],
    [
      'a command whose traceparent was removed after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          {
            tenantId: pair.a.tenantId,
            traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
            headers: { [MessageHeader.TraceParent]: undefined },
          },
        ),
      /signature invalid/,
    ],
    [
      'a command whose correlation id (the one log lines carry) changed after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, headers: { [MessageHeader.CorrelationId]: 'forged-correlation-id' } },
        ),
      /signature invalid/,
    ],
    [
      'a command whose correlation id was removed after signing',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, headers: { [MessageHeader.CorrelationId]: undefined } },
        ),
      /signature invalid/,
    ],
    [
      'a command with a garbage signature',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, headers: { [MessageHeader.Signature]: 'v2=AAAA' } },
        ),
      /signature invalid/,
    ],
    [
      'a command signed in the format before v2 (MESSAGE_SIGNATURE_ACCEPT_V1 is off)',
      (name) =>
        broker.publishSigned(ProjectPattern.Create, { name }, { tenantId: pair.a.tenantId, v1: true }),
      /signature format v1 is no longer accepted/,
    ],
    [
      // Under the v1 format, which joined fields with newlines, the text signed for the pattern
      // "projects.create.v1\n<t>", time T and no deadline was also that of the pattern alone, time
      // <t> and the deadline "T\n" (a number, to the worker): one signature, two commands.
      'a command whose fields had a newline moved from one into the next after signing',
      (name) => {
        const now = Date.now();
        const { messageId, headers, content } = signLikeGateway(
          ProjectPattern.Create,
          { name },
          {
            tenantId: pair.a.tenantId,
            signedPattern: `${ProjectPattern.Create}\n${now}`,
            signedAt: now + 30_000,
            deadline: '',
            headers: { [MessageHeader.SignedAt]: String(now), [MessageHeader.Deadline]: `${now + 30_000}\n` },
          },
        );
        broker.channel.sendToQueue(broker.queues.commands, content, { headers, messageId });
      },
      /signature invalid/,
    ],
    [
      'a command signed two minutes ago',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, signedAt: Date.now() - 120_000 },
        ),
      /signature stale/,
    ],
    [
      'a command signed in the future',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name },
          { tenantId: pair.a.tenantId, signedAt: Date.now() + 120_000 },
        ),
      /signature stale/,
    ],
    [
      'a signed command whose payload names another tenant',
      (name) =>
        broker.publishSigned(
          ProjectPattern.Create,
          { name, tenantId: pair.b.tenantId },
          { tenantId: pair.a.tenantId },
        ),
      /property tenantId should not exist/,
    ],
  ])('should dead-letter %s, with the reason, and write nothing', async (_case, publish, reason) => {
    const name = `attack-${randomUUID()}`;
    publish(name);
    expect(await broker.deadLetterReason(name)).toMatch(reason);
    for (const tenant of [pair.a, pair.b]) {
      expect(
        (await projectsOf(tenant.tenantId)).filter((p) => p.name === name || p.name === 'original'),
      ).toEqual([]);
    }
  });

  it('should apply a replayed command once and dead-letter the replay', async () => {
    const name = `replay-${randomUUID()}`;
    const messageId = randomUUID();
    const signedAt = Date.now();
    const deadline = String(signedAt + 30_000);
    broker.publishSigned(
      ProjectPattern.Create,
      { name },
      { tenantId: pair.a.tenantId, messageId, signedAt, deadline },
    );
    broker.publishSigned(
      ProjectPattern.Create,
      { name },
      { tenantId: pair.a.tenantId, messageId, signedAt, deadline },
    );

    expect(await broker.deadLetterReason(name)).toMatch(/replayed/);
    expect((await projectsOf(pair.a.tenantId)).filter((p) => p.name === name)).toHaveLength(1);
  });

  it('should accept the previous key during a rotation', async () => {
    const name = `rotated-${randomUUID()}`;
    broker.publishSigned(
      ProjectPattern.Create,
      { name },
      { tenantId: pair.b.tenantId, secret: PREVIOUS_KEY },
    );
    await applied(pair.b.tenantId, name);
    expect((await projectsOf(pair.b.tenantId)).map((p) => p.name)).toContain(name);
  });
});

// Threat: someone who can read and publish on the broker, without the signing key, sits between
// the gateway and the workers. They must not be able to send a tenant's answer to a queue of their
// own, nor have the gateway return an answer they wrote, nor turn clock skew into a 400.
//
// The gateway and the worker get queues of different prefixes here, and this file relays each
// command from the gateway's queue to the worker's: what a broker-side attacker can do, in one place.
import type { GetMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { deleteQueues, MessageHeader, queueNames } from '@app/messaging';
import { ProjectPattern } from '@app/projects';
import { signingKey, signReply } from '@app/signing';
import { useBroker } from '../support/broker';
import { closePools, projectsOf } from '../support/database';
import { signLikeGateway } from '../support/signing';
import { ownQueuePrefix, startGateway, startWorker } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

const RPC_TIMEOUT_MS = 3_000;
const CURRENT_KEY = process.env.MESSAGE_SIGNING_KEY ?? '';
const PREVIOUS_KEY = 'tenantry-tests-previous-message-key-0123456789';
const ATTACKER_KEY = 'an-attacker-chosen-key-0123456789abcdef';

interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  text: string;
}

describe('A broker-side attacker between the gateway and the workers', () => {
  const broker = useBroker();
  const prefixes: string[] = [];
  let gateway: NestFastifyApplication;
  let rotatingGateway: NestFastifyApplication;
  let worker: INestMicroservice;
  let baseUrl = '';
  let rotatingUrl = '';
  let tenant: TenantSession;
  let gatewayQueue = '';
  let workerQueue = '';

  beforeAll(async () => {
    process.env.RPC_TIMEOUT_MS = String(RPC_TIMEOUT_MS);
    const gatewayPrefix = ownQueuePrefix('gateway');
    prefixes.push(gatewayPrefix);
    gatewayQueue = queueNames(gatewayPrefix).commands;
    ({ gateway, baseUrl } = await startGateway());
    // A gateway not yet given the new key, during a rotation: it signs with the previous one.
    process.env.MESSAGE_SIGNING_KEY = PREVIOUS_KEY;
    ({ gateway: rotatingGateway, baseUrl: rotatingUrl } = await startGateway());
    process.env.MESSAGE_SIGNING_KEY = CURRENT_KEY;
    // The worker, mid-rotation, and on queues of its own (the broker helper's from here on).
    process.env.MESSAGE_SIGNING_KEY_PREVIOUS = PREVIOUS_KEY;
    const workerPrefix = ownQueuePrefix('worker');
    prefixes.push(workerPrefix);
    workerQueue = queueNames(workerPrefix).commands;
    worker = await startWorker();
    tenant = await TenantSession.create(baseUrl);
  });

  afterAll(async () => {
    try {
      await gateway?.close();
      await rotatingGateway?.close();
      await worker?.close();
    } finally {
      await closePools();
      for (const prefix of prefixes) await deleteQueues(process.env.AMQP_URL ?? '', prefix);
    }
  });

  /** An HTTP call as the tenant, through the given gateway, with the Retry-After header. */
  async function call(method: string, path: string, body?: unknown, url = baseUrl): Promise<HttpAnswer> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tenant.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
  }

  /** The next command the gateway publishes, taken off its queue before any worker sees it. */
  function intercept(): Promise<GetMessage> {
    return waitFor(
      () => broker.channel.get(gatewayQueue, { noAck: true }),
      5_000,
      'a command from the gateway',
    );
  }

  /** Sends a command on to the worker, with whatever the attacker changed. */
  function relay(
    message: GetMessage,
    change: { replyTo?: string; correlationId?: string; headers?: Record<string, unknown> } = {},
  ): void {
    const { properties, content } = message;
    broker.channel.sendToQueue(workerQueue, content, {
      persistent: true,
      contentType: properties.contentType as string,
      messageId: properties.messageId as string,
      timestamp: properties.timestamp as number,
      expiration: properties.expiration as string,
      replyTo: change.replyTo ?? (properties.replyTo as string),
      correlationId: change.correlationId ?? (properties.correlationId as string),
      headers: change.headers ?? properties.headers,
    });
  }

  /** Publishes an answer of the attacker's making to the command's reply address. */
  function forgeReply(command: GetMessage, response: unknown, signature?: string): void {
    const correlationId = command.properties.correlationId as string;
    const content = Buffer.from(JSON.stringify({ id: correlationId, response, isDisposed: true }));
    broker.channel.sendToQueue(command.properties.replyTo as string, content, {
      correlationId,
      headers: signature === undefined ? {} : { [MessageHeader.Signature]: signature },
    });
  }

  /** Every forgery the attacker can make without the key, for this command's reply. */
  function forgeAllReplies(command: GetMessage, response: unknown): void {
    const content = Buffer.from(
      JSON.stringify({ id: command.properties.correlationId as string, response, isDisposed: true }),
    );
    const fields = {
      tenantId: tenant.tenantId,
      messageId: command.properties.messageId as string,
      correlationId: command.properties.correlationId as string,
      content,
    };
    forgeReply(command, response);
    forgeReply(command, response, 'v2=AAAA');
    forgeReply(command, response, signReply(signingKey(ATTACKER_KEY), fields));
    // The header of the command itself: a signature, but over the command, not a reply.
    forgeReply(command, response, command.properties.headers?.[MessageHeader.Signature] as string);
  }

  it('should drop forged replies and return the genuine answer', async () => {
    const name = `genuine-${randomUUID()}`;
    const forged = { id: randomUUID(), name: 'forged-by-the-broker' };
    const answer = call('POST', '/projects', { name });
    const command = await intercept();

    forgeAllReplies(command, forged);
    relay(command);

    const { status, text } = await answer;
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ name });
    expect(text).not.toContain('forged');
    expect((await projectsOf(tenant.tenantId)).filter((p) => p.name === name)).toHaveLength(1);
  });

  it('should answer 503 with Retry-After when only forged replies come, never the forged body', async () => {
    const answer = call('GET', '/projects');
    const command = await intercept();

    forgeAllReplies(command, {
      items: [{ id: randomUUID(), name: 'forged-by-the-broker' }],
      nextCursor: null,
    });

    const { status, retryAfter, text } = await answer;
    expect(status).toBe(503);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(text).not.toContain('forged');
  });

  it.each([
    ['sent to a reply queue of the attacker', (stolen: string) => ({ replyTo: stolen })],
    ['given another correlation id', () => ({ correlationId: randomUUID() })],
  ])(
    'should dead-letter a command %s, apply nothing and answer nothing of the tenant’s',
    async (_case, change) => {
      const secret = `secret-${randomUUID()}`;
      broker.publishSigned(ProjectPattern.Create, { name: secret }, { tenantId: tenant.tenantId });
      await waitFor(async () => (await projectsOf(tenant.tenantId)).some((p) => p.name === secret));
      const stolen = await broker.channel.assertQueue('', { exclusive: true, autoDelete: true });

      const answer = call('GET', '/projects');
      const command = await intercept();
      const marker = command.content.toString();
      relay(command, change(stolen.queue));

      const deadLetter = await broker.takeDeadLetter(marker);
      expect(deadLetter.properties.headers?.[MessageHeader.DeadLetterReason]).toMatch(/signature invalid/);
      const { status, retryAfter } = await answer;
      expect([status, Number(retryAfter) > 0]).toEqual([503, true]);
      // At most the worker's refusal, unsigned, and never the tenant's data.
      const got = await broker.channel.get(stolen.queue, { noAck: true });
      if (got) {
        expect(got.content.toString()).not.toContain(secret);
        expect(got.properties.headers?.[MessageHeader.Signature]).toBeUndefined();
      }
    },
  );

  it.each([
    ['ahead of the worker’s by two minutes', 120_000],
    ['behind the worker’s by two minutes', -120_000],
  ])('should answer 503 with Retry-After, not 400, when the gateway’s clock is %s', async (_case, skewMs) => {
    const name = `skewed-${randomUUID()}`;
    const answer = call('POST', '/projects', { name });
    const command = await intercept();
    // Signed as a gateway whose clock is off by skewMs would sign it, for the same request.
    const { pattern, data } = JSON.parse(command.content.toString()) as { pattern: string; data: unknown };
    const headers = command.properties.headers ?? {};
    const signedAt = Date.now() + skewMs;
    const { headers: skewed } = signLikeGateway(pattern, data, {
      tenantId: tenant.tenantId,
      userId: String(headers[MessageHeader.UserId]),
      messageId: command.properties.messageId as string,
      signedAt,
      deadline: String(signedAt + RPC_TIMEOUT_MS),
      replyTo: command.properties.replyTo as string,
      correlationId: command.properties.correlationId as string,
      content: command.content,
    });
    relay(command, { headers: skewed });

    const { status, retryAfter, text } = await answer;
    expect(status).toBe(503);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(text).not.toMatch(/signature|stale|ms/);
    expect(await broker.deadLetterReason(name)).toMatch(/signature stale/);
    expect((await projectsOf(tenant.tenantId)).filter((p) => p.name === name)).toEqual([]);
  });

  it('should answer a gateway still on the previous key during a rotation, its reply signed with that key', async () => {
    const name = `rotating-${randomUUID()}`;
    const answer = call('POST', '/projects', { name }, rotatingUrl);
    relay(await intercept());

    const { status, text } = await answer;
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ name });
  });
});

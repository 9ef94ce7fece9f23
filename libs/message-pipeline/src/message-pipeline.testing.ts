// The unit specs' harness for MessagePipeline: signed messages as the gateway sends them, a fake
// channel and transaction that record what happened, and the interceptor wired to them.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { CallHandler } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RmqContext, RpcException } from '@nestjs/microservices';
import type { Channel, ConsumeMessage, MessagePropertyHeaders } from 'amqplib';
import { ClsService } from 'nestjs-cls';
import { IsString } from 'class-validator';
import { lastValueFrom, Observable } from 'rxjs';
import type { Inbox, InboxEntry, InboxRecord, TenantTransaction } from '@app/database';
import { MessageHeader, RpcErrorBody } from '@app/messaging';
import { PageQuery } from '@app/pagination';
import { MessageAuthenticator, signingKey, signedPublish } from '@app/signing';
import { TenantContextService, TenantIdentity } from '@app/tenancy';
import { Command } from './command.decorator';
import { CurrentMessage } from './current-message';
import type { DatabaseWatch } from './database-watch';
import { ExactlyOnce } from './exactly-once';
import { FailurePolicy } from './failure-policy';
import { JobPacing } from './job-pacing';
import { MessagePipeline } from './message-pipeline.interceptor';

export const TENANT = '55555555-5555-4555-8555-555555555555';
export const PATTERN = 'projects.create.v1';

export const KEY = signingKey('unit-test-message-signing-key-0123456789');
export const OTHER_KEY = signingKey('another-message-signing-key-0123456789!!');
export const RETRY_ATTEMPTS = 3;
export const DLQ = 'test.commands.dlq';
const DATA = { name: 'Apollo' };
// Batches never wait for one another in these tests.
const PACING = { concurrency: 10, maxWaitMs: 0 };

export class CreateInput {
  @IsString()
  name!: string;
}

export class PageInput extends PageQuery {}

export class Handlers {
  @Command(PATTERN, CreateInput)
  create(): void {}

  @Command(PATTERN, PageInput, { readsOnly: true })
  page(): void {}

  @Command(PATTERN, CreateInput, { readsOnly: true })
  list(): void {}

  // A bare pattern, without a payload type for the pipeline to validate against.
  unchecked(): void {}
}

export interface MessageOptions {
  key?: typeof KEY | null;
  /** The body that is signed and sent; DATA by default. */
  data?: unknown;
  signedAt?: number;
  messageId?: string;
  /** Changes the body after signing. */
  tamperedData?: unknown;
  /** The reply address and correlation id it is signed for and sent with (none by default). */
  replyTo?: string;
  correlationId?: string;
}

/** A message as the gateway would publish it: signed over its own bytes, headers and properties. */
export function consumeMessage(
  headers: MessagePropertyHeaders,
  options: MessageOptions = {},
): ConsumeMessage {
  const body = (data: unknown) => Buffer.from(JSON.stringify({ pattern: PATTERN, data, id: 'c1' }));
  const signedBody = body(options.data ?? DATA);
  const unsigned = {
    headers: { ...headers, [MessageHeader.SignedAt]: String(options.signedAt ?? Date.now()) },
    messageId: options.messageId ?? randomUUID(),
    replyTo: options.replyTo,
    correlationId: options.correlationId,
  };
  const properties =
    options.key === null ? unsigned : signedPublish(options.key ?? KEY, signedBody, unsigned);
  return {
    content: 'tamperedData' in options ? body(options.tamperedData) : signedBody,
    fields: { deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'projects', consumerTag: 'ctag' },
    properties: properties as unknown as ConsumeMessage['properties'],
  };
}

export function validHeaders(overrides: MessagePropertyHeaders = {}): MessagePropertyHeaders {
  return {
    [MessageHeader.TenantId]: TENANT.toUpperCase(),
    [MessageHeader.UserId]: 'user-1',
    [MessageHeader.CorrelationId]: 'corr-1',
    [MessageHeader.Deadline]: String(Date.now() + 60_000),
    ...overrides,
  };
}

const sharedAuthenticator = new MessageAuthenticator({ keys: [KEY], maxAgeMs: 60_000, maxSkewMs: 30_000 });

/** The inbox without a database: what was recorded, by message id. */
export class FakeInbox {
  readonly entries = new Map<string, InboxRecord>();

  record(entry: InboxEntry): Promise<boolean> {
    if (this.entries.has(entry.messageId)) return Promise.resolve(false);
    this.entries.set(entry.messageId, { requestHash: entry.requestHash, reply: entry.reply });
    return Promise.resolve(true);
  }

  find(messageId: string): Promise<InboxRecord | undefined> {
    return Promise.resolve(this.entries.get(messageId));
  }
}

export function setup(
  headers: MessagePropertyHeaders,
  handle: () => Observable<unknown>,
  options: MessageOptions & { message?: ConsumeMessage; handler?: keyof Handlers; inbox?: FakeInbox } = {},
) {
  const events: string[] = [];
  const cls = new ClsService(new AsyncLocalStorage());
  const tenantContext = new TenantContextService(cls);
  const seen: { identity?: TenantIdentity; payload?: unknown } = {};

  const run = jest.fn(async <T>(work: () => Promise<T>): Promise<T> => {
    events.push('begin');
    try {
      const result = await work();
      events.push('commit');
      return result;
    } catch (err) {
      events.push('rollback');
      throw err;
    }
  });
  const tenantTransaction = { run } as unknown as TenantTransaction;
  const inbox = options.inbox ?? new FakeInbox();

  const ack = jest.fn((_m: ConsumeMessage) => void events.push('ack'));
  const nack = jest.fn(
    (_m: ConsumeMessage, _allUpTo?: boolean, _requeue?: boolean) => void events.push('nack'),
  );
  const sendToQueue = jest.fn((_q: string, _c: Buffer, _o: { headers: MessagePropertyHeaders }) => {
    events.push('dead-letter');
    return true;
  });
  const channel = { ack, nack, sendToQueue } as unknown as Channel;
  const message = options.message ?? consumeMessage(headers, options);
  /** The reason the message was copied to the dead-letter queue with, if it was. */
  const deadLetterReason = (): unknown => {
    expect(sendToQueue).toHaveBeenCalledTimes(1);
    expect(sendToQueue.mock.calls[0][0]).toBe(DLQ);
    return sendToQueue.mock.calls[0][2].headers[MessageHeader.DeadLetterReason];
  };
  // The data Nest hands the interceptor is what it parsed from the message body.
  const { data } = JSON.parse(message.content.toString()) as { data: unknown };
  const context = new ExecutionContextHost(
    [data, new RmqContext([message, channel, PATTERN])],
    Handlers,
    Handlers.prototype[options.handler ?? 'create'],
  );
  context.setType('rpc');

  const next: CallHandler & { handle: jest.Mock<Observable<unknown>, []> } = {
    handle: jest.fn(() => {
      events.push('handler');
      seen.identity = tenantContext.get();
      seen.payload = context.getArgs()[0];
      return handle();
    }),
  };

  const unreachable = jest.fn();
  const databaseWatch = { unreachable } as unknown as DatabaseWatch;
  const interceptor = new MessagePipeline(
    cls,
    new Reflector(),
    tenantContext,
    tenantTransaction,
    new ExactlyOnce(inbox as unknown as Inbox, tenantTransaction),
    sharedAuthenticator,
    new FailurePolicy(tenantContext, sharedAuthenticator, databaseWatch, {
      queuePrefix: 'test.',
      signingSecrets: [],
      maxAgeMs: 60_000,
      maxClockSkewMs: 30_000,
      acceptSignatureV1: false,
      retryAttempts: RETRY_ATTEMPTS,
      retryBaseDelayMs: 1_000,
      amqpUrl: 'amqp://unused',
      jobMaxAgeMs: 3_600_000,
      jobBatchSize: 500,
      jobShards: 1,
      jobPacing: PACING,
    }),
    new CurrentMessage(cls),
    new JobPacing(PACING),
    DLQ,
    { jobMaxAgeMs: 3_600_000 },
  );
  const result = (): Promise<unknown> => lastValueFrom(interceptor.intercept(context, next));
  /** What the interceptor emits within a moment: nothing at all for a message it retries. */
  const emitted = async (): Promise<unknown[]> => {
    const values: unknown[] = [];
    const subscription = interceptor.intercept(context, next).subscribe({
      next: (v) => values.push(v),
      error: (e: unknown) => values.push(e),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    return values;
  };
  return {
    result,
    emitted,
    events,
    ack,
    nack,
    sendToQueue,
    deadLetterReason,
    run,
    next,
    message,
    seen,
    tenantContext,
    unreachable,
  };
}

export async function rpcError(promise: Promise<unknown>): Promise<RpcErrorBody> {
  const err = await promise.then(
    () => {
      throw new Error('expected the interceptor to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcException);
  return (err as RpcException).getError() as RpcErrorBody;
}

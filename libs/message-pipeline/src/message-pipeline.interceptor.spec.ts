import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RmqContext, RpcException } from '@nestjs/microservices';
import type { Channel, ConsumeMessage, MessagePropertyHeaders } from 'amqplib';
import { ClsService } from 'nestjs-cls';
import { IsString } from 'class-validator';
import { lastValueFrom, Observable, of, throwError } from 'rxjs';
import type { TenantTransaction } from '@app/database';
import { ConflictError, ErrorCode } from '@app/errors';
import { MessageHeader, RpcErrorBody } from '@app/messaging';
import { MessageAuthenticator, signingKey, signMessage } from '@app/signing';
import { TenantContextService, TenantIdentity } from '@app/tenancy';
import { Command } from './command.decorator';
import { MessagePipeline } from './message-pipeline.interceptor';

const TENANT = '55555555-5555-4555-8555-555555555555';
const PATTERN = 'projects.create.v1';

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const OTHER_KEY = signingKey('another-message-signing-key-0123456789!!');
const DLQ = 'test.commands.dlq';
const DATA = { name: 'Apollo' };

class CreateInput {
  @IsString()
  name!: string;
}

class Handlers {
  @Command(PATTERN, CreateInput)
  create(): void {}

  // A bare pattern, without a payload type for the pipeline to validate against.
  unchecked(): void {}
}

interface MessageOptions {
  key?: typeof KEY | null;
  /** The body that is signed and sent; DATA by default. */
  data?: unknown;
  signedAt?: number;
  messageId?: string;
  /** Changes the body after signing. */
  tamperedData?: unknown;
}

/** A message as the gateway would publish it: signed over its own headers and body. */
function consumeMessage(headers: MessagePropertyHeaders, options: MessageOptions = {}): ConsumeMessage {
  const messageId = options.messageId ?? `m-${Math.random()}`;
  const signedAt = options.signedAt ?? Date.now();
  const tenant = headers[MessageHeader.TenantId] as string | undefined;
  const signed: MessagePropertyHeaders = { ...headers, [MessageHeader.SignedAt]: String(signedAt) };
  if (options.key !== null) {
    signed[MessageHeader.Signature] = signMessage(options.key ?? KEY, {
      tenantId: (tenant ?? '').toLowerCase(),
      userId: headers[MessageHeader.UserId] as string,
      messageId,
      pattern: PATTERN,
      signedAt,
      deadline: String(headers[MessageHeader.Deadline] ?? ''),
      data: options.data ?? DATA,
    });
  }
  const data = 'tamperedData' in options ? options.tamperedData : (options.data ?? DATA);
  return {
    content: Buffer.from(JSON.stringify({ pattern: PATTERN, data, id: 'c1' })),
    fields: { deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'projects', consumerTag: 'ctag' },
    properties: { headers: signed, messageId } as ConsumeMessage['properties'],
  };
}

function validHeaders(overrides: MessagePropertyHeaders = {}): MessagePropertyHeaders {
  return {
    [MessageHeader.TenantId]: TENANT.toUpperCase(),
    [MessageHeader.UserId]: 'user-1',
    [MessageHeader.CorrelationId]: 'corr-1',
    [MessageHeader.Deadline]: String(Date.now() + 60_000),
    ...overrides,
  };
}

const sharedAuthenticator = new MessageAuthenticator({ keys: [KEY], maxAgeMs: 60_000 });

function setup(
  headers: MessagePropertyHeaders,
  handle: () => Observable<unknown>,
  options: MessageOptions & { message?: ConsumeMessage; handler?: keyof Handlers } = {},
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

  const interceptor = new MessagePipeline(
    cls,
    new Reflector(),
    tenantContext,
    tenantTransaction,
    sharedAuthenticator,
    DLQ,
  );
  const result = (): Promise<unknown> => lastValueFrom(interceptor.intercept(context, next));
  return {
    result,
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
  };
}

async function rpcError(promise: Promise<unknown>): Promise<RpcErrorBody> {
  const err = await promise.then(
    () => {
      throw new Error('expected the interceptor to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcException);
  return (err as RpcException).getError() as RpcErrorBody;
}

describe(MessagePipeline.name, () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should emit the handler result and ack once, after the transaction commits', async () => {
    const view = { id: 'p1', name: 'Apollo' };
    const { result, events, ack, nack, message, run } = setup(validHeaders(), () => of(view));

    await expect(result()).resolves.toBe(view);

    expect(events).toEqual(['begin', 'handler', 'commit', 'ack']);
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledWith(message);
    expect(nack).not.toHaveBeenCalled();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('should run the handler under the tenant from the headers, lower-cased, and leave no context behind', async () => {
    const { result, seen, tenantContext } = setup(validHeaders(), () => of('ok'));

    await result();

    expect(seen.identity).toEqual({ tenantId: TENANT, userId: 'user-1', correlationId: 'corr-1' });
    expect(tenantContext.get()).toBeUndefined();
  });

  it('should emit null when the handler completes without a value', async () => {
    const { result, ack } = setup(validHeaders(), () => of());

    await expect(result()).resolves.toBeNull();
    expect(ack).toHaveBeenCalledTimes(1);
  });

  it('should reply a DomainError as {code, message} and ack it after the rollback', async () => {
    const { result, events, ack, nack } = setup(validHeaders(), () =>
      throwError(() => new ConflictError('name taken')),
    );

    await expect(rpcError(result())).resolves.toEqual({ code: ErrorCode.Conflict, message: 'name taken' });

    expect(events).toEqual(['begin', 'handler', 'rollback', 'ack']);
    expect(ack).toHaveBeenCalledTimes(1);
    expect(nack).not.toHaveBeenCalled();
  });

  it('should dead-letter a message without a tenant header, before any transaction or handler', async () => {
    const headers = validHeaders();
    delete headers[MessageHeader.TenantId];
    const { result, ack, nack, next, run, message, deadLetterReason } = setup(headers, () => of('never'));

    const body = await rpcError(result());

    expect(body.code).toBe(ErrorCode.InvalidInput);
    expect(body.message).toContain(MessageHeader.TenantId);
    expect(deadLetterReason()).toBe(body.message);
    expect(ack).toHaveBeenCalledWith(message);
    expect(nack).not.toHaveBeenCalled();
    expect(next.handle).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should dead-letter a message whose tenant header looks like SQL', async () => {
    const { result, deadLetterReason, next } = setup(
      validHeaders({ [MessageHeader.TenantId]: "' OR 1=1 --" }),
      () => of('never'),
    );

    await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.InvalidInput });
    expect(deadLetterReason()).toContain(MessageHeader.TenantId);
    expect(next.handle).not.toHaveBeenCalled();
  });

  it('should dead-letter an expired message without running the handler', async () => {
    const { result, next, run, deadLetterReason } = setup(
      validHeaders({ [MessageHeader.Deadline]: String(Date.now() - 1000) }),
      () => of('never'),
    );

    const body = await rpcError(result());

    expect(body.code).toBe(ErrorCode.InvalidInput);
    expect(body.message).toMatch(/^Message rejected: deadline passed \d+ ms ago$/);
    expect(deadLetterReason()).toBe(body.message);
    expect(next.handle).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
  });

  it('should dead-letter an unexpected error as internal without leaking its message', async () => {
    const { result, events, nack, deadLetterReason } = setup(validHeaders(), () =>
      throwError(() => new Error('connection terminated: password=hunter2')),
    );

    await expect(rpcError(result())).resolves.toEqual({
      code: ErrorCode.Internal,
      message: 'The worker failed to handle the request',
    });

    expect(events).toEqual(['begin', 'handler', 'rollback', 'dead-letter', 'ack']);
    expect(deadLetterReason()).toBe('unexpected error: Error');
    expect(nack).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(
      `${PATTERN} dead-lettered after an unexpected error (correlation corr-1)`,
      expect.stringContaining('connection terminated'),
    );
  });

  describe('payloads', () => {
    it('should hand the handler a validated instance of its payload type', async () => {
      const { result, seen } = setup(validHeaders(), () => of('ok'));

      await result();

      expect(seen.payload).toBeInstanceOf(CreateInput);
      expect(seen.payload).toEqual({ name: 'Apollo' });
    });

    it.each<[string, unknown, RegExp]>([
      ['a field of the wrong type', { name: 5 }, /invalid payload: name must be a string/],
      ['an unknown field', { name: 'Apollo', tenantId: TENANT }, /property tenantId should not exist/],
      ['a payload that is not an object', ['Apollo'], /invalid payload: not an object/],
    ])('should dead-letter %s before any transaction', async (_case, data, reason) => {
      const { result, next, run, deadLetterReason } = setup(validHeaders(), () => of('never'), { data });

      await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.InvalidInput });
      expect(deadLetterReason()).toMatch(reason);
      expect(next.handle).not.toHaveBeenCalled();
      expect(run).not.toHaveBeenCalled();
    });

    it('should dead-letter a message for a handler that declares no payload type', async () => {
      const { result, run, deadLetterReason } = setup(validHeaders(), () => of('never'), {
        handler: 'unchecked',
      });

      await rpcError(result());
      expect(deadLetterReason()).toMatch(/declares no payload type/);
      expect(run).not.toHaveBeenCalled();
    });
  });

  describe('signatures', () => {
    it.each<[string, MessageOptions, RegExp]>([
      ['an unsigned message', { key: null }, /signature missing/],
      ['a message signed with another key', { key: OTHER_KEY }, /signature invalid/],
      [
        'a message whose body changed after signing',
        { tamperedData: { name: 'Apollo', x: 1 } },
        /signature invalid/,
      ],
      ['a message signed two minutes ago', { signedAt: Date.now() - 120_000 }, /signature stale/],
    ])('should dead-letter %s before any transaction', async (_case, options, reason) => {
      const { result, next, run, deadLetterReason } = setup(validHeaders(), () => of('never'), options);

      await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.InvalidInput });
      expect(deadLetterReason()).toMatch(reason);
      expect(next.handle).not.toHaveBeenCalled();
      expect(run).not.toHaveBeenCalled();
    });

    it('should dead-letter a signed message whose tenant header was swapped', async () => {
      const message = consumeMessage(validHeaders());
      message.properties.headers = {
        ...message.properties.headers,
        [MessageHeader.TenantId]: '66666666-6666-4666-8666-666666666666',
      };
      const { result, deadLetterReason, run } = setup({}, () => of('never'), { message });

      await rpcError(result());
      expect(deadLetterReason()).toMatch(/signature invalid/);
      expect(run).not.toHaveBeenCalled();
    });

    it('should process a message once and dead-letter its replay', async () => {
      const message = consumeMessage(validHeaders());
      const first = setup({}, () => of('done'), { message });
      await expect(first.result()).resolves.toBe('done');

      const replay = setup({}, () => of('again'), { message });
      await rpcError(replay.result());
      expect(replay.deadLetterReason()).toMatch(/replayed/);
      expect(replay.run).not.toHaveBeenCalled();
    });
  });
});

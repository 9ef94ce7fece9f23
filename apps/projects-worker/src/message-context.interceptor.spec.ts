import { AsyncLocalStorage } from 'node:async_hooks';
import { CallHandler, Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RmqContext, RpcException } from '@nestjs/microservices';
import type { Channel, ConsumeMessage, MessagePropertyHeaders } from 'amqplib';
import { ClsService } from 'nestjs-cls';
import { lastValueFrom, Observable, of, throwError } from 'rxjs';
import type { TenantTransaction } from '@app/database';
import { ConflictError, ErrorCode } from '@app/errors';
import { MessageHeader, RpcErrorBody } from '@app/messaging';
import { TenantContextService, TenantIdentity } from '@app/tenancy';
import { MessageContextInterceptor } from './message-context.interceptor';

const TENANT = '55555555-5555-4555-8555-555555555555';
const PATTERN = 'projects.create.v1';

function consumeMessage(headers: MessagePropertyHeaders): ConsumeMessage {
  return {
    content: Buffer.from('{"name":"Apollo"}'),
    fields: { deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'projects', consumerTag: 'ctag' },
    properties: { headers } as ConsumeMessage['properties'],
  };
}

function validHeaders(overrides: MessagePropertyHeaders = {}): MessagePropertyHeaders {
  return {
    [MessageHeader.TenantId]: TENANT.toUpperCase(),
    [MessageHeader.UserId]: 'user-1',
    [MessageHeader.CorrelationId]: 'corr-1',
    [MessageHeader.Deadline]: Date.now() + 60_000,
    ...overrides,
  };
}

function setup(headers: MessagePropertyHeaders, handle: () => Observable<unknown>) {
  const events: string[] = [];
  const cls = new ClsService(new AsyncLocalStorage());
  const tenantContext = new TenantContextService(cls);
  const seen: { identity?: TenantIdentity } = {};

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
  const channel = { ack, nack } as unknown as Channel;
  const message = consumeMessage(headers);
  const context = new ExecutionContextHost([{ name: 'Apollo' }, new RmqContext([message, channel, PATTERN])]);
  context.setType('rpc');

  const next: CallHandler & { handle: jest.Mock<Observable<unknown>, []> } = {
    handle: jest.fn(() => {
      events.push('handler');
      seen.identity = tenantContext.get();
      return handle();
    }),
  };

  const interceptor = new MessageContextInterceptor(cls, tenantContext, tenantTransaction);
  const result = (): Promise<unknown> => lastValueFrom(interceptor.intercept(context, next));
  return { result, events, ack, nack, run, next, message, seen, tenantContext };
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

describe(MessageContextInterceptor.name, () => {
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
    const { result, ack, nack, next, run, message } = setup(headers, () => of('never'));

    const body = await rpcError(result());

    expect(body.code).toBe(ErrorCode.InvalidInput);
    expect(body.message).toContain(MessageHeader.TenantId);
    expect(nack).toHaveBeenCalledTimes(1);
    expect(nack).toHaveBeenCalledWith(message, false, false);
    expect(ack).not.toHaveBeenCalled();
    expect(next.handle).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('should dead-letter a message whose tenant header looks like SQL', async () => {
    const { result, nack, next } = setup(validHeaders({ [MessageHeader.TenantId]: "' OR 1=1 --" }), () =>
      of('never'),
    );

    await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.InvalidInput });
    expect(nack).toHaveBeenCalledTimes(1);
    expect(next.handle).not.toHaveBeenCalled();
  });

  it('should dead-letter an expired message without running the handler', async () => {
    const { result, ack, nack, next, run, message } = setup(
      validHeaders({ [MessageHeader.Deadline]: Date.now() - 1000 }),
      () => of('never'),
    );

    const body = await rpcError(result());

    expect(body.code).toBe(ErrorCode.InvalidInput);
    expect(body.message).toMatch(/^Message rejected: deadline passed \d+ ms ago$/);
    expect(nack).toHaveBeenCalledWith(message, false, false);
    expect(nack).toHaveBeenCalledTimes(1);
    expect(ack).not.toHaveBeenCalled();
    expect(next.handle).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
  });

  it('should dead-letter an unexpected error as internal without leaking its message', async () => {
    const { result, events, ack, nack, message } = setup(validHeaders(), () =>
      throwError(() => new Error('connection terminated: password=hunter2')),
    );

    await expect(rpcError(result())).resolves.toEqual({
      code: ErrorCode.Internal,
      message: 'The projects service failed to handle the request',
    });

    expect(events).toEqual(['begin', 'handler', 'rollback', 'nack']);
    expect(nack).toHaveBeenCalledWith(message, false, false);
    expect(nack).toHaveBeenCalledTimes(1);
    expect(ack).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(
      `${PATTERN} dead-lettered after an unexpected error (correlation corr-1)`,
      expect.stringContaining('connection terminated'),
    );
  });
});

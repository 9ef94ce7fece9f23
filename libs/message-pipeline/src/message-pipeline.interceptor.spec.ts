import { Logger } from '@nestjs/common';
import { of, throwError } from 'rxjs';
import { ConflictError, ErrorCode } from '@app/errors';
import { MessageHeader } from '@app/messaging';
import { MessagePipeline } from './message-pipeline.interceptor';
import { PATTERN, rpcError, setup, TENANT, validHeaders } from './message-pipeline.testing';

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

  it('should reply a DomainError as {code, message} and ack it after the rollback and a look in the inbox', async () => {
    const { result, events, ack, nack } = setup(validHeaders(), () =>
      throwError(() => new ConflictError('name taken')),
    );

    await expect(rpcError(result())).resolves.toEqual({ code: ErrorCode.Conflict, message: 'name taken' });

    // The second transaction asks the inbox whether an earlier delivery answered this id already.
    expect(events).toEqual(['begin', 'handler', 'rollback', 'begin', 'commit', 'ack']);
    expect(ack).toHaveBeenCalledTimes(1);
    expect(nack).not.toHaveBeenCalled();
  });

  it('should not record a handler that only reads, nor look it up on failure', async () => {
    const { result, events } = setup(validHeaders(), () => throwError(() => new ConflictError('x')), {
      handler: 'list',
    });
    await rpcError(result());
    expect(events).toEqual(['begin', 'handler', 'rollback', 'ack']);
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
    // Why it was dead-lettered; then the message's closing line (message-pipeline.lines.spec).
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenNthCalledWith(1, expect.stringContaining(`dead-lettered: ${body.message}`));
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

    expect(body.code).toBe(ErrorCode.Unavailable);
    expect(body.message).toMatch(/^Message rejected: deadline passed \d+ ms ago$/);
    expect(deadLetterReason()).toBe(body.message);
    expect(next.handle).not.toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
  });

  it('should dead-letter an unexpected error as internal without leaking its message', async () => {
    const { result, events, nack, deadLetterReason } = setup(validHeaders(), () =>
      throwError(() => new Error('invariant broken near password=hunter2')),
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
      expect.stringContaining('invariant broken'),
    );
  });
});

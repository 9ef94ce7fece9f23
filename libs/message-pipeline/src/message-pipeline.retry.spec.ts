import { Logger } from '@nestjs/common';
import { throwError } from 'rxjs';
import { ErrorCode } from '@app/errors';
import { MessageHeader } from '@app/messaging';
import { MessagePipeline } from './message-pipeline.interceptor';
import { consumeMessage, RETRY_ATTEMPTS, rpcError, setup, validHeaders } from './message-pipeline.testing';

/** What Prisma throws while PostgreSQL is down. */
function unreachable(): Error {
  return Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), {
    name: 'PrismaClientKnownRequestError',
    code: 'P1001',
  });
}

describe(`${MessagePipeline.name} retries`, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should park a message that met a transient database error in the first rung, without replying', async () => {
    const {
      emitted,
      sendToQueue,
      ack,
      message,
      unreachable: watched,
    } = setup(validHeaders(), () => throwError(unreachable));

    expect(await emitted()).toEqual([]);
    // And the worker stops taking messages until the database answers.
    expect(watched).toHaveBeenCalledWith("Can't reach database server at 127.0.0.1:5432");

    expect(sendToQueue).toHaveBeenCalledTimes(1);
    const [queue, , options] = sendToQueue.mock.calls[0];
    expect(queue).toBe('test.commands.retry.1');
    expect(options.headers[MessageHeader.Attempt]).toBe(2);
    // Backoff 1 s for the first retry, jittered down to half of it at most.
    expect(Number((options as { expiration?: string }).expiration)).toBeGreaterThanOrEqual(500);
    expect(Number((options as { expiration?: string }).expiration)).toBeLessThanOrEqual(1_000);
    expect(ack).toHaveBeenCalledWith(message);
  });

  it('should accept its own retried copy although it carries the same message id', async () => {
    const original = consumeMessage(validHeaders());
    const first = setup({}, () => throwError(unreachable), { message: original });
    await first.emitted();
    const copy = {
      ...original,
      properties: {
        ...original.properties,
        headers: { ...original.properties.headers, [MessageHeader.Attempt]: 2 },
      },
    };
    const second = setup({}, () => throwError(unreachable), { message: copy });
    await second.emitted();
    expect(second.sendToQueue.mock.calls[0][0]).toBe('test.commands.retry.2');
  });

  it('should dead-letter on the last attempt with the reason and the attempt count, and answer unavailable', async () => {
    const message = consumeMessage(validHeaders({ [MessageHeader.Attempt]: RETRY_ATTEMPTS }));
    const { result, deadLetterReason, sendToQueue } = setup({}, () => throwError(unreachable), { message });

    await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.Unavailable });
    expect(deadLetterReason()).toBe('transient error: PrismaClientKnownRequestError (P1001)');
    expect(sendToQueue.mock.calls[0][2].headers[MessageHeader.Attempt]).toBe(RETRY_ATTEMPTS);
  });

  it('should retry a lost race (lock timeout) without pausing the worker', async () => {
    const lockTimeout = Object.assign(new Error('canceling statement due to lock timeout'), {
      code: '55P03',
    });
    const {
      emitted,
      sendToQueue,
      unreachable: watched,
    } = setup(validHeaders(), () => throwError(() => lockTimeout));
    expect(await emitted()).toEqual([]);
    expect(sendToQueue.mock.calls[0][0]).toBe('test.commands.retry.1');
    expect(watched).not.toHaveBeenCalled();
  });

  it('should not retry an error that is not transient', async () => {
    const { result, deadLetterReason } = setup(validHeaders(), () => throwError(() => new TypeError('bug')));
    await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.Internal });
    expect(deadLetterReason()).toBe('unexpected error: TypeError');
  });

  it('should not park a retry that would come back after the deadline: expired now, 503 at once', async () => {
    // 300 ms away, on a clock that stands still: in time for the attempt to begin, less than the
    // shortest first retry (half the 1 s base delay).
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    const headers = validHeaders({ [MessageHeader.Deadline]: String(now + 300) });
    const { result, sendToQueue, deadLetterReason } = setup(headers, () => throwError(unreachable));

    await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.Unavailable });
    expect(sendToQueue).toHaveBeenCalledTimes(1);
    expect(deadLetterReason()).toMatch(/too close to go on/);
  });
});

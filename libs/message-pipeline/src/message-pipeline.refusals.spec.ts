import { Logger } from '@nestjs/common';
import { of } from 'rxjs';
import { ErrorCode } from '@app/errors';
import { MessageHeader } from '@app/messaging';
import { MessagePipeline } from './message-pipeline.interceptor';
import {
  consumeMessage,
  CreateInput,
  MessageOptions,
  OTHER_KEY,
  rpcError,
  setup,
  TENANT,
  validHeaders,
} from './message-pipeline.testing';

describe(`${MessagePipeline.name} refusals`, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should roll back and dead-letter work whose deadline runs out before COMMIT', async () => {
    // In time to begin, too close to the deadline to commit.
    const { result, events, deadLetterReason } = setup(
      validHeaders({ [MessageHeader.Deadline]: String(Date.now() + 50) }),
      () => of({ id: 'p1' }),
    );

    await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.Unavailable });
    expect(events).toEqual(['begin', 'handler', 'rollback', 'dead-letter', 'ack']);
    expect(deadLetterReason()).toMatch(/too close to go on/);
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

    it('should dead-letter a message for a handler that declares no payload class as our fault, not the sender’s', async () => {
      const { result, run, deadLetterReason } = setup(validHeaders(), () => of('never'), {
        handler: 'unchecked',
      });

      await expect(rpcError(result())).resolves.toEqual({
        code: ErrorCode.Internal,
        message: 'The worker failed to handle the request',
      });
      expect(deadLetterReason()).toBe('unexpected error: UndeclaredPayloadError');
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
    ])('should dead-letter %s before any transaction', async (_case, options, reason) => {
      const { result, next, run, deadLetterReason } = setup(validHeaders(), () => of('never'), options);

      await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.InvalidInput });
      expect(deadLetterReason()).toMatch(reason);
      expect(next.handle).not.toHaveBeenCalled();
      expect(run).not.toHaveBeenCalled();
    });

    it.each([
      ['signed two minutes ago', Date.now() - 120_000, /signature stale: signed \d+ ms ago/],
      ['dated two minutes ahead of this clock', Date.now() + 120_000, /signature stale: dated \d+ ms ahead/],
    ])(
      'should dead-letter a message %s, and answer 503 without the details (clocks apart)',
      async (_case, signedAt, reason) => {
        const { result, next, run, deadLetterReason } = setup(validHeaders(), () => of('never'), {
          signedAt,
        });

        const answer = await rpcError(result());

        expect(answer).toEqual({
          code: ErrorCode.Unavailable,
          message: 'The request could not be accepted at this time; try again later',
        });
        expect(deadLetterReason()).toMatch(reason);
        expect(next.handle).not.toHaveBeenCalled();
        expect(run).not.toHaveBeenCalled();
      },
    );

    it('should dead-letter a signed message sent to another reply address than it was signed for', async () => {
      const message = consumeMessage(validHeaders(), { replyTo: 'amq.gen-gateway', correlationId: 'c-1' });
      message.properties.replyTo = 'amq.gen-attacker';
      const { result, deadLetterReason, run } = setup({}, () => of('never'), { message });

      await rpcError(result());
      expect(deadLetterReason()).toMatch(/signature invalid/);
      expect(run).not.toHaveBeenCalled();
    });

    it('should dead-letter a signed message whose correlation id was changed', async () => {
      const message = consumeMessage(validHeaders(), { replyTo: 'amq.gen-gateway', correlationId: 'c-1' });
      message.properties.correlationId = 'c-2';
      const { result, deadLetterReason, run } = setup({}, () => of('never'), { message });

      await rpcError(result());
      expect(deadLetterReason()).toMatch(/signature invalid/);
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

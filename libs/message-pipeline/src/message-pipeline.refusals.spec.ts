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
    // In time to begin, too close to the deadline to commit. The clock stands still, so a slow
    // machine cannot let the deadline pass outright between the two checks.
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    const { result, events, deadLetterReason } = setup(
      validHeaders({ [MessageHeader.Deadline]: String(now + 50) }),
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

    it.each<[string, unknown, RegExp]>([
      [
        'a constructor key',
        JSON.parse('{"name":"Apollo","constructor":"x"}'),
        /property constructor should not exist/,
      ],
      [
        'an own __proto__ key',
        JSON.parse('{"name":"Apollo","__proto__":{"x":1}}'),
        /property __proto__ should not exist/,
      ],
      ['a toString key', { name: 'Apollo', toString: 'x' }, /property toString should not exist/],
      ['a prototype key', { name: 'Apollo', prototype: 'x' }, /property prototype should not exist/],
      [
        'a reserved key deep inside',
        { name: 'Apollo', tags: [{ hasOwnProperty: 1 }] },
        /tags.0.property hasOwnProperty should not exist/,
      ],
      [
        // Deeper than the gateway takes; much deeper would not even be signed (JSON.stringify overflows).
        'a payload nested 25 levels deep',
        { name: JSON.parse('['.repeat(25) + ']'.repeat(25)) as unknown },
        /payload must not nest objects or arrays more than 20 levels deep/,
      ],
    ])(
      'should dead-letter %s as an invalid payload, like any unknown field, before any transaction',
      async (_case, data, reason) => {
        const { result, next, run, deadLetterReason } = setup(validHeaders(), () => of('never'), { data });

        await expect(rpcError(result())).resolves.toMatchObject({ code: ErrorCode.InvalidInput });
        expect(deadLetterReason()).toMatch(/invalid payload/);
        expect(deadLetterReason()).toMatch(reason);
        expect(next.handle).not.toHaveBeenCalled();
        expect(run).not.toHaveBeenCalled();
      },
    );

    it.each([
      ['year 0', `0000-01-01T00:00:00.000Z|${TENANT}`],
      ['a BC year', `-000001-01-01T00:00:00.000Z|${TENANT}`],
      ['a non-uuid id', '2024-05-06T07:08:09.123Z|42'],
      ['garbage', 'not a cursor'],
    ])(
      'should answer a cursor with %s as a client error: acked, never dead-lettered, no transaction',
      async (_case, text) => {
        const data = { cursor: Buffer.from(text).toString('base64url') };
        const { result, events, next, run, sendToQueue } = setup(validHeaders(), () => of('never'), {
          data,
          handler: 'page',
        });

        await expect(rpcError(result())).resolves.toEqual({
          code: ErrorCode.InvalidInput,
          message: 'cursor is not valid',
        });
        expect(events).toEqual(['ack']);
        expect(sendToQueue).not.toHaveBeenCalled();
        expect(next.handle).not.toHaveBeenCalled();
        expect(run).not.toHaveBeenCalled();
      },
    );

    it('should hand a list handler a cursor of ours', async () => {
      const cursor = Buffer.from(`2024-05-06T07:08:09.123Z|${TENANT}`).toString('base64url');
      const { result, seen } = setup(validHeaders(), () => of('ok'), { data: { cursor }, handler: 'page' });

      await expect(result()).resolves.toBe('ok');
      expect(seen.payload).toEqual({ cursor });
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

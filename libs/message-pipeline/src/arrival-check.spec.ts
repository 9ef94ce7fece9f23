import type { Channel, ConsumeMessage } from 'amqplib';
import { Logger } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { MessageAuthenticator, signedPublish, signingKey } from '@app/signing';
import { MAX_JSON_DEPTH, nestsDeeperThan, refusalBeforeParsing, refusedUnread } from './arrival-check';

const KEY = signingKey('unit-test-message-signing-key-0123456789');
const authenticator = new MessageAuthenticator({ keys: [KEY], maxAgeMs: 60_000, maxSkewMs: 30_000 });

const nested = (depth: number, open = '[', close = ']') =>
  Buffer.from(open.repeat(depth) + close.repeat(depth));

describe(refusalBeforeParsing.name, () => {
  it('should let a message of exactly the maximum through, and refuse one byte more', () => {
    const body = Buffer.from(JSON.stringify({ pattern: 'p', data: { name: 'x'.repeat(100) } }));

    expect(refusalBeforeParsing(body, body.length)).toBeUndefined();
    expect(refusalBeforeParsing(body, body.length - 1)).toBe(
      `message too large: ${body.length} bytes, over MESSAGE_MAX_BYTES (${body.length - 1})`,
    );
  });

  it('should refuse JSON nested deeper than the limit, arrays or objects', () => {
    expect(refusalBeforeParsing(nested(MAX_JSON_DEPTH), 1e6)).toBeUndefined();
    expect(refusalBeforeParsing(nested(MAX_JSON_DEPTH + 1), 1e6)).toBe(
      `message nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
    const objects = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}0${'}'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(refusalBeforeParsing(Buffer.from(objects), 1e6)).toMatch(/nested deeper/);
  });
});

describe(nestsDeeperThan.name, () => {
  it('should count the depth of a real command', () => {
    const command = { pattern: 'p', data: { items: [{ name: 'a', tasks: [{ title: 't' }] }] }, id: '1' };
    const body = Buffer.from(JSON.stringify(command));

    expect(nestsDeeperThan(body, 6)).toBe(false);
    expect(nestsDeeperThan(body, 5)).toBe(true);
  });

  it.each([
    ['brackets inside strings', JSON.stringify({ a: '[[[[[[[[[[{{{{{{{{{' })],
    ['escaped quotes before brackets', JSON.stringify({ a: 'say \\"[[[[[[[[[[', b: '"[[[[[[[[' })],
    ['a string ending in backslashes', JSON.stringify({ a: 'x\\\\', b: '[[[[[[[[[[[[' })],
    ['multi-byte characters', JSON.stringify({ a: '€[漢[😀[[[[[[[[[[' })],
  ])('should not count %s', (_case, json) => {
    expect(nestsDeeperThan(Buffer.from(json), 2)).toBe(false);
  });

  it('should agree with the depth of JSON.parse on any value', () => {
    const depth = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depth)) : 0;
    const values = [[], [[], [[[]]]], { a: { b: ['"]', { c: '\\' }] } }, [{ '[': '{' }, [[['x']]]]];
    for (const value of values) {
      const body = Buffer.from(JSON.stringify(value));
      expect(nestsDeeperThan(body, depth(value))).toBe(false);
      expect(nestsDeeperThan(body, depth(value) - 1)).toBe(true);
    }
  });
});

describe(refusedUnread.name, () => {
  const channel = () => {
    const sendToQueue = jest.fn();
    const ack = jest.fn();
    return { sendToQueue, ack, channel: { sendToQueue, ack } as unknown as Channel };
  };
  /** A delivery, signed by the gateway's key over `content` unless `key` is null. */
  const delivery = (
    content: Buffer,
    { key, signed = content }: { key?: KeyObject | null; signed?: Buffer } = {},
  ) => {
    const unsigned = {
      headers: {
        [MessageHeader.TenantId]: '11111111-1111-4111-8111-111111111111',
        [MessageHeader.SignedAt]: '1',
      },
      messageId: 'm',
    };
    return {
      content,
      fields: { deliveryTag: 1, routingKey: 'p.commands' },
      properties: key === null ? unsigned : signedPublish(key ?? KEY, signed, unsigned),
    } as unknown as ConsumeMessage;
  };
  const check = { maxBytes: 100, deadLetterQueue: 'p.commands.dlq', authenticator };
  const reasonOf = (sendToQueue: jest.Mock) =>
    (sendToQueue.mock.calls[0] as [string, Buffer, { headers: Record<string, unknown> }])[2].headers[
      MessageHeader.DeadLetterReason
    ];

  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('should dead-letter an oversized delivery with the reason, body untouched', () => {
    const { channel: ch, sendToQueue, ack } = channel();
    const message = delivery(Buffer.alloc(101, 0x20));

    expect(refusedUnread(message, ch, check)).toBeDefined();
    expect(sendToQueue).toHaveBeenCalledWith(
      'p.commands.dlq',
      message.content,
      expect.objectContaining({
        headers: expect.objectContaining({
          'x-dead-letter-reason': 'message too large: 101 bytes, over MESSAGE_MAX_BYTES (100)',
          'x-source-queue': 'p.commands',
        }) as unknown,
      }),
    );
    expect(ack).toHaveBeenCalledWith(message);
  });

  it('should leave a signed delivery within the bounds to the pipeline', () => {
    const { channel: ch, sendToQueue, ack } = channel();

    expect(refusedUnread(delivery(Buffer.from('{}')), ch, check)).toBeUndefined();
    expect(sendToQueue).not.toHaveBeenCalled();
    expect(ack).not.toHaveBeenCalled();
  });

  it.each([
    ['unsigned', delivery(Buffer.from('[{},{},{}]'), { key: null }), 'signature missing'],
    [
      'signed with another key',
      delivery(Buffer.from('[{},{},{}]'), { key: signingKey('an-attacker-chosen-key-0123456789abcdef') }),
      'signature invalid',
    ],
    [
      'whose bytes changed after signing',
      delivery(Buffer.from('[{},{},{}]'), { signed: Buffer.from('[{},{}]') }),
      'signature invalid',
    ],
  ])('should dead-letter a delivery %s with the reason, without parsing it', (_case, message, reason) => {
    const { channel: ch, sendToQueue, ack } = channel();
    const parse = jest.spyOn(JSON, 'parse');

    expect(refusedUnread(message, ch, check)).toBeDefined();

    expect(parse).not.toHaveBeenCalled();
    expect(reasonOf(sendToQueue)).toBe(`Message rejected: ${reason}`);
    expect(ack).toHaveBeenCalledWith(message);
  });

  it('should check the signature over the bytes, never parsing them: signed bytes that are not JSON pass, for the parser to refuse', () => {
    const { channel: ch, sendToQueue } = channel();
    const message = delivery(Buffer.from('this is not JSON {['));
    const parse = jest.spyOn(JSON, 'parse');

    expect(refusedUnread(message, ch, check)).toBeUndefined();

    expect(parse).not.toHaveBeenCalled();
    expect(sendToQueue).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(() => JSON.parse(message.content.toString()) as unknown).toThrow(SyntaxError);
  });
});

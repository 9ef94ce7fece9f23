import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { Delivery } from './delivery';
import { inFlight } from './in-flight';

const DLQ = 'test.commands.dlq';

function fakeChannel() {
  const ack = jest.fn<void, [ConsumeMessage]>();
  const nack = jest.fn<void, [ConsumeMessage, boolean?, boolean?]>();
  const sendToQueue = jest.fn<boolean, [string, Buffer, Record<string, unknown>]>(() => true);
  return { ack, nack, sendToQueue, channel: { ack, nack, sendToQueue } as unknown as Channel };
}

/** A channel in confirm mode, whose broker answers each publish with `answers` in turn (null: taken). */
function fakeConfirmChannel(answers: Array<Error | null>) {
  const { ack, nack } = fakeChannel();
  const sendToQueue = jest.fn(
    (
      _queue: string,
      _content: Buffer,
      _options: Record<string, unknown>,
      confirmed: (err: unknown) => void,
    ) => confirmed(answers.shift() ?? null),
  );
  const channel = { ack, nack, sendToQueue, waitForConfirms: jest.fn() } as unknown as Channel;
  return { ack, nack, sendToQueue, channel };
}

const message = {
  content: Buffer.from('{"pattern":"p","data":{}}'),
  fields: { deliveryTag: 7, routingKey: 'test.jobs' },
  properties: { headers: { 'x-tenant-id': 'abc' }, messageId: 'm-1', replyTo: 'reply', expiration: '500' },
} as unknown as ConsumeMessage;

describe(Delivery.name, () => {
  it('should start unsettled and expose the message', () => {
    const delivery = new Delivery(fakeChannel().channel, message, DLQ);

    expect(delivery.isSettled).toBe(false);
    expect(delivery.message).toBe(message);
  });

  it('should ack the message once', () => {
    const { channel, ack, nack, sendToQueue } = fakeChannel();
    const delivery = new Delivery(channel, message, DLQ);

    delivery.ack();

    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledWith(message);
    expect(nack).not.toHaveBeenCalled();
    expect(sendToQueue).not.toHaveBeenCalled();
    expect(delivery.isSettled).toBe(true);
  });

  it('should copy the message to the dead-letter queue with the reason, then ack it', () => {
    const { channel, ack, nack, sendToQueue } = fakeChannel();
    const delivery = new Delivery(channel, message, DLQ);

    delivery.deadLetter('signature invalid');

    expect(sendToQueue).toHaveBeenCalledTimes(1);
    const [queue, content, options] = sendToQueue.mock.calls[0];
    expect(queue).toBe(DLQ);
    expect(content).toBe(message.content);
    expect(options).toMatchObject({
      persistent: true,
      messageId: 'm-1',
      headers: {
        'x-tenant-id': 'abc',
        'x-dead-letter-reason': 'signature invalid',
        // Where a replay (npm run dlq) sends it back.
        'x-source-queue': 'test.jobs',
      },
    });
    // A copy that kept the TTL would expire out of the dead-letter queue. The reply address stays:
    // the signature covers it, and a replay checks the signature.
    expect(options).not.toHaveProperty('expiration');
    expect(options).toMatchObject({ replyTo: 'reply' });
    expect(ack).toHaveBeenCalledWith(message);
    expect(sendToQueue.mock.invocationCallOrder[0]).toBeLessThan(ack.mock.invocationCallOrder[0]);
    expect(nack).not.toHaveBeenCalled();
    expect(delivery.isSettled).toBe(true);
  });

  it('should ignore a second ack and a later dead-letter after an ack', () => {
    const { channel, ack, sendToQueue } = fakeChannel();
    const delivery = new Delivery(channel, message, DLQ);

    delivery.ack();
    delivery.ack();
    delivery.deadLetter('late');

    expect(ack).toHaveBeenCalledTimes(1);
    expect(sendToQueue).not.toHaveBeenCalled();
  });

  it('should ignore a second dead-letter and a later ack after a dead-letter', () => {
    const { channel, ack, sendToQueue } = fakeChannel();
    const delivery = new Delivery(channel, message, DLQ);

    delivery.deadLetter('first');
    delivery.deadLetter('second');
    delivery.ack();

    expect(sendToQueue).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledTimes(1);
  });

  it('should park a retry copy with the next attempt, its reply address and a delay, then ack', () => {
    const { channel, ack, sendToQueue } = fakeChannel();
    const delivery = new Delivery(channel, message, DLQ);

    expect(delivery.attempt).toBe(1);
    delivery.retryLater('test.commands.retry.1', 250);

    const [queue, content, options] = sendToQueue.mock.calls[0];
    expect([queue, content]).toEqual(['test.commands.retry.1', message.content]);
    expect(options).toMatchObject({
      persistent: true,
      messageId: 'm-1',
      replyTo: 'reply',
      expiration: '250',
      headers: { 'x-tenant-id': 'abc', 'x-attempt': 2 },
    });
    expect(ack).toHaveBeenCalledWith(message);
    expect(delivery.isSettled).toBe(true);
  });

  it('should read the attempt of a retried copy, and treat junk as the first', () => {
    const { channel } = fakeChannel();
    const copy = (attempt: unknown) =>
      new Delivery(channel, { ...message, properties: { headers: { 'x-attempt': attempt } } } as never, DLQ);
    expect([copy(3).attempt, copy('x').attempt, copy(-1).attempt]).toEqual([3, 1, 1]);
  });

  describe('on a channel in confirm mode', () => {
    beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
    afterEach(() => jest.restoreAllMocks());

    it('should ack only once the broker has taken the copy', () => {
      const answers: Array<(err: unknown) => void> = [];
      const { ack, nack } = fakeChannel();
      const sendToQueue = jest.fn((...args: unknown[]) => answers.push(args[3] as (err: unknown) => void));
      const channel = { ack, nack, sendToQueue, waitForConfirms: jest.fn() } as unknown as Channel;

      new Delivery(channel, message, DLQ).deadLetter('signature invalid');
      expect(sendToQueue).toHaveBeenCalledTimes(1);
      expect(ack).not.toHaveBeenCalled();

      answers[0](null);
      expect(ack).toHaveBeenCalledWith(message);
    });

    it('should dead-letter a retry that a full delay queue refuses, not lose it', () => {
      const { channel, ack, sendToQueue } = fakeConfirmChannel([new Error('message nacked'), null]);

      new Delivery(channel, message, DLQ).retryLater('test.jobs.retry.1', 250);

      expect(sendToQueue.mock.calls.map(([queue]) => queue)).toEqual(['test.jobs.retry.1', DLQ]);
      expect(sendToQueue.mock.calls[1][2]).toMatchObject({
        headers: { 'x-dead-letter-reason': 'retry queue full: test.jobs.retry.1', 'x-attempt': 1 },
      });
      expect(sendToQueue.mock.calls[1][2]).not.toHaveProperty('expiration');
      expect(ack).toHaveBeenCalledTimes(1);
    });

    it('should hold the worker’s shutdown until the broker answers, and not when the channel is closed', () => {
      const answers: Array<(err: unknown) => void> = [];
      const { ack, nack } = fakeChannel();
      const sendToQueue = jest.fn((...args: unknown[]) => answers.push(args[3] as (err: unknown) => void));
      const channel = { ack, nack, sendToQueue, waitForConfirms: jest.fn() } as unknown as Channel;

      new Delivery(channel, message, DLQ).deadLetter('signature invalid');
      expect(inFlight.size).toBe(1);
      answers[0](null);
      expect(inFlight.size).toBe(0);

      const closed = {
        ...channel,
        sendToQueue: jest.fn(() => {
          throw new Error('Channel closed');
        }),
      };
      new Delivery(closed, message, DLQ).deadLetter('signature invalid');
      expect(inFlight.size).toBe(0);
    });

    it('should reject the original to its queue’s own dead-lettering when the dead-letter queue refuses', () => {
      const { channel, ack, nack } = fakeConfirmChannel([new Error('message nacked')]);

      new Delivery(channel, message, DLQ).deadLetter('signature invalid');

      expect(nack).toHaveBeenCalledWith(message, false, false);
      expect(ack).not.toHaveBeenCalled();
    });
  });
});

import type { Channel, ConsumeMessage } from 'amqplib';
import { Delivery } from './delivery';

function fakeChannel() {
  const ack = jest.fn<void, [ConsumeMessage]>();
  const nack = jest.fn<void, [ConsumeMessage, boolean?, boolean?]>();
  return { ack, nack, channel: { ack, nack } as unknown as Channel };
}

const message = { content: Buffer.from('{}'), fields: { deliveryTag: 7 } } as unknown as ConsumeMessage;

describe(Delivery.name, () => {
  it('should start unsettled and expose the message', () => {
    const { channel } = fakeChannel();
    const delivery = new Delivery(channel, message);

    expect(delivery.isSettled).toBe(false);
    expect(delivery.message).toBe(message);
  });

  it('should ack the message once', () => {
    const { channel, ack, nack } = fakeChannel();
    const delivery = new Delivery(channel, message);

    delivery.ack();

    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack).toHaveBeenCalledWith(message);
    expect(nack).not.toHaveBeenCalled();
    expect(delivery.isSettled).toBe(true);
  });

  it('should dead-letter with nack(message, false, false)', () => {
    const { channel, ack, nack } = fakeChannel();
    const delivery = new Delivery(channel, message);

    delivery.deadLetter();

    expect(nack).toHaveBeenCalledTimes(1);
    expect(nack).toHaveBeenCalledWith(message, false, false);
    expect(ack).not.toHaveBeenCalled();
    expect(delivery.isSettled).toBe(true);
  });

  it('should ignore a second ack and a later dead-letter after an ack', () => {
    const { channel, ack, nack } = fakeChannel();
    const delivery = new Delivery(channel, message);

    delivery.ack();
    delivery.ack();
    delivery.deadLetter();

    expect(ack).toHaveBeenCalledTimes(1);
    expect(nack).not.toHaveBeenCalled();
  });

  it('should ignore a second dead-letter and a later ack after a dead-letter', () => {
    const { channel, ack, nack } = fakeChannel();
    const delivery = new Delivery(channel, message);

    delivery.deadLetter();
    delivery.deadLetter();
    delivery.ack();

    expect(nack).toHaveBeenCalledTimes(1);
    expect(ack).not.toHaveBeenCalled();
  });
});

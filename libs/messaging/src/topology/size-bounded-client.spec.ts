import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Options } from 'amqplib';
import { PayloadTooLargeError } from '@app/errors';
import { SizeBoundedClientRMQ } from './size-bounded-client';

type Send = (queue: string, content: Buffer, options?: object) => Promise<boolean>;

/** A subclass that adds a header over the bytes sent, as CommandTransport signs them. */
class StampingClient extends SizeBoundedClientRMQ {
  readonly stamped: Buffer[] = [];

  protected override outgoing(content: Buffer, options: Options.Publish | undefined): Options.Publish {
    if (content.toString() === 'refuse') throw new Error('cannot stamp');
    this.stamped.push(content);
    return { ...options, headers: { stamp: content.length } };
  }
}

/** The client with a fake connection, as it is after (re)connecting: its channel's sendToQueue. */
function connected(maxMessageBytes: number, Client = SizeBoundedClientRMQ) {
  const send = jest.fn<Promise<boolean>, Parameters<Send>>(() => Promise.resolve(true));
  const client = new Client({ urls: [], queue: 'q', maxMessageBytes });
  const internals = client as unknown as { client: object; channel: { sendToQueue: Send } };
  const wrapper = Object.assign(new EventEmitter(), { sendToQueue: send });
  internals.client = { createChannel: () => wrapper };
  void client.createChannel();
  return {
    client,
    send,
    wrapper,
    sendToQueue: (content: Buffer) => internals.channel.sendToQueue('q', content, {}),
  };
}

describe(SizeBoundedClientRMQ.name, () => {
  it('should publish a message of exactly the maximum', async () => {
    const { send, sendToQueue } = connected(10);

    await expect(sendToQueue(Buffer.alloc(10))).resolves.toBe(true);
    expect(send).toHaveBeenCalledWith('q', Buffer.alloc(10), {});
  });

  it('should refuse a larger one as too large, without publishing it', async () => {
    const { send, sendToQueue } = connected(10);

    const refused = sendToQueue(Buffer.alloc(11));

    await expect(refused).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(refused).rejects.toThrow(
      'The request makes a message of 11 bytes; the workers take at most 10',
    );
    expect(send).not.toHaveBeenCalled();
  });

  it('should let a subclass set the options over the exact bytes sent, after the size check', async () => {
    const { client, send, sendToQueue } = connected(10, StampingClient);

    await sendToQueue(Buffer.from('0123456789'));
    await expect(sendToQueue(Buffer.alloc(11))).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(sendToQueue(Buffer.from('refuse'))).rejects.toThrow('cannot stamp');

    expect((client as StampingClient).stamped).toEqual([Buffer.from('0123456789')]);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith('q', Buffer.from('0123456789'), { headers: { stamp: 10 } });
  });

  it('should log a channel set-up that failed, not end the process with it', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { wrapper } = connected(10);

    expect(() =>
      wrapper.emit('error', new Error('Channel ended, no reply will be forthcoming')),
    ).not.toThrow();
    expect(warn).toHaveBeenCalledWith('Channel set-up failed: Channel ended, no reply will be forthcoming');
    warn.mockRestore();
  });
});

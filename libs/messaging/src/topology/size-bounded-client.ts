import { Logger } from '@nestjs/common';
import { ClientRMQ, RmqOptions } from '@nestjs/microservices';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { PayloadTooLargeError } from '@app/errors';

export type SizeBoundedClientOptions = Required<RmqOptions>['options'] & { maxMessageBytes: number };

/**
 * Nest's RMQ client, refusing to publish a command larger than the workers parse: the caller gets
 * 413 at once, instead of a dead letter and a 503 once it has waited out its timeout. A body within
 * the gateway's limits can still make a larger command (bytes that are not UTF-8 become U+FFFD, three
 * bytes each), so the message itself is measured. On the buffer Nest has already built, so no command
 * is serialized twice: Nest has no hook between building it and publishing it.
 */
export class SizeBoundedClientRMQ extends ClientRMQ {
  private readonly maxMessageBytes: number;
  private readonly channelLogger = new Logger('Broker');

  constructor(options: SizeBoundedClientOptions) {
    super(options);
    this.maxMessageBytes = options.maxMessageBytes;
  }

  /** Run on every (re)connect: each new channel gets the check. */
  override createChannel(): Promise<void> {
    const created = super.createChannel();
    // Typed `any` through Nest's optional dependency on amqp-connection-manager.
    const channel = this.channel as ChannelWrapper;
    // A set-up that fails (the client closed while it declared its reply queue, say) is emitted as
    // 'error', which without a listener ends the process; the wrapper sets up again on reconnect.
    channel.on('error', (err: Error) => this.channelLogger.warn(`Channel set-up failed: ${err.message}`));
    const send = channel.sendToQueue.bind(channel);
    channel.sendToQueue = (queue, content, ...rest) =>
      Buffer.isBuffer(content) && content.length > this.maxMessageBytes
        ? Promise.reject(
            new PayloadTooLargeError(
              `The request makes a message of ${content.length} bytes; the workers take at most ${this.maxMessageBytes}`,
            ),
          )
        : send(queue, content, ...rest);
    return created;
  }
}

import { Logger } from '@nestjs/common';
import { ClientRMQ, RmqOptions } from '@nestjs/microservices';
import type { Options } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { PayloadTooLargeError } from '@app/errors';

export type SizeBoundedClientOptions = Required<RmqOptions>['options'] & { maxMessageBytes: number };

/**
 * Nest's RMQ client, refusing to publish a command larger than the workers parse: the caller gets
 * 413 at once, instead of a dead letter and a 503 once it has waited out its timeout. A body within
 * the gateway's limits can still make a larger command (bytes that are not UTF-8 become U+FFFD, three
 * bytes each), so the message itself is measured. On the buffer Nest has already built, so no command
 * is serialized twice: Nest has no hook between building it and publishing it. Its subclass gets
 * one there (`outgoing`), for what needs the exact bytes sent (a signature over them).
 */
export class SizeBoundedClientRMQ extends ClientRMQ {
  private static readonly channelLogger = new Logger('ClientProxy');
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
    // A channel closed while it is being set up (the app closing, the broker going away) makes the
    // wrapper emit 'error'; Nest listens for none, and an unheard 'error' ends the process. The
    // wrapper sets the channel up again on the next connection.
    channel.on('error', (err: unknown) =>
      SizeBoundedClientRMQ.channelLogger.warn(
        `Channel set-up failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
    const send = channel.sendToQueue.bind(channel);
    channel.sendToQueue = (queue, content, options, ...rest) => {
      if (!Buffer.isBuffer(content)) return Promise.reject(new Error('a message must be sent as bytes'));
      if (content.length > this.maxMessageBytes) {
        return Promise.reject(
          new PayloadTooLargeError(
            `The request makes a message of ${content.length} bytes; the workers take at most ${this.maxMessageBytes}`,
          ),
        );
      }
      try {
        return send(queue, content, this.outgoing(content, options), ...rest);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    return created;
  }

  /**
   * The options a message goes out with, given the exact bytes that go: unchanged here. Called after
   * the size check; a throw refuses the message.
   */
  protected outgoing(_content: Buffer, options: Options.Publish | undefined): Options.Publish | undefined {
    return options;
  }
}

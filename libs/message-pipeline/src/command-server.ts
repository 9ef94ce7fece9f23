import { Logger } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { OutgoingResponse, RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';

/**
 * Nest's RMQ server, with one hole closed. Its sendMessage publishes the reply through a confirm
 * channel and drops the returned promise, so a reply still unconfirmed when the broker goes away
 * rejects unhandled, and Node then ends the worker. A lost reply is harmless (the caller's RPC
 * times out and answers 503; the work is committed and the message settled), so it is only logged.
 */
export class CommandServer extends ServerRMQ {
  private readonly replyLogger = new Logger(CommandServer.name);

  constructor(options: Required<RmqOptions>['options']) {
    super(options);
  }

  override sendMessage<T = unknown>(
    message: T & OutgoingResponse,
    replyTo: string,
    correlationId: string,
    _context: RmqContext,
  ): void {
    const outgoing = this.serializer.serialize(message) as { options?: Record<string, unknown> };
    const { options, ...packet } = outgoing;
    // Typed `any` through Nest's optional dependency on amqp-connection-manager.
    const channel = this.channel as ChannelWrapper | null;
    channel
      ?.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), { correlationId, ...options })
      .catch((err: unknown) =>
        this.replyLogger.warn(
          `Reply ${correlationId} lost: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
  }
}

import { Logger } from '@nestjs/common';
import { OutgoingResponse, RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { Channel } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inFlight } from './in-flight';

export interface CommandServerOptions {
  /** How long a shutdown waits for the messages in hand before closing anyway. */
  drainMs: number;
}

/**
 * Nest's RMQ server, with two holes closed.
 * - Shutdown: Nest closes the channel at once, so messages in hand lose their ack and come back
 *   (safe, the inbox answers them, but their callers wait). This one cancels its consumer first,
 *   lets the pipeline settle what it holds (bounded by drainMs), then closes. What it could not
 *   finish goes back to the queue unacked, never to the dead-letter queue.
 * - Replies: Nest publishes a reply through a confirm channel and drops the returned promise, so a
 *   reply still unconfirmed when the broker goes away rejects unhandled, and Node ends the worker. A
 *   lost reply is harmless (the caller's RPC times out and answers 503; the work is committed and
 *   the message settled), so it is only logged.
 */
export class CommandServer extends ServerRMQ {
  private readonly serverLogger = new Logger(CommandServer.name);
  private readonly consumerTag = `worker-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private consuming?: Channel;
  private readonly replies = new Set<Promise<unknown>>();

  constructor(
    options: Required<RmqOptions>['options'],
    private readonly shutdown: CommandServerOptions,
  ) {
    super(options);
    // Nest consumes with the consumerTag option when one is set: knowing it lets close() cancel it.
    (this.options as { consumerTag?: string }).consumerTag = this.consumerTag;
  }

  override async setupChannel(channel: Channel, callback: () => void): Promise<void> {
    this.consuming = channel;
    return super.setupChannel(channel, callback);
  }

  override async close(): Promise<void> {
    const until = Date.now() + this.shutdown.drainMs;
    await this.consuming?.cancel(this.consumerTag).catch(() => undefined);
    const held = inFlight.size;
    if (held > 0) {
      this.serverLogger.log(
        `Stopped consuming; waiting up to ${this.shutdown.drainMs} ms for ${held} message(s)`,
      );
      const drained = await inFlight.drained(this.shutdown.drainMs);
      if (!drained)
        this.serverLogger.warn(`${inFlight.size} message(s) unfinished; they go back to the queue`);
    }
    // Nest publishes a settled message's reply a moment after the pipeline lets go of it.
    await new Promise((resolve) => setImmediate(resolve));
    // Bounded: while the broker is away the channel holds publishes indefinitely.
    await Promise.race([
      Promise.allSettled([...this.replies]),
      new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())).unref()),
    ]);
    await super.close();
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
    const sent = channel
      ?.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), { correlationId, ...options })
      .catch((err: unknown) =>
        this.serverLogger.warn(
          `Reply ${correlationId} lost: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
    if (sent) {
      this.replies.add(sent);
      void sent.finally(() => this.replies.delete(sent));
    }
  }
}

import { Logger } from '@nestjs/common';
import { OutgoingResponse, RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inFlight } from './in-flight';
import { intake } from './intake';
import { PendingReplies } from './pending-replies';

export interface CommandServerOptions {
  /** How long a shutdown waits for the messages in hand before closing anyway. */
  drainMs: number;
  /** Declares every queue the worker needs; run on each (re)connect, before consuming. */
  declareQueues: (channel: Channel) => Promise<void>;
}

/**
 * Nest's RMQ server, with its holes closed.
 * - Staying subscribed: Nest ignores the broker cancelling its consumer (queue deleted, failover)
 *   and, through amqp-connection-manager, waits for the next reconnect when only its channel
 *   closes: either way the worker would sit idle for good. This one re-declares and re-subscribes,
 *   or forces a reconnect.
 * - Pausing: while the intake is closed (the database is unreachable) it holds no consumer.
 * - Shutdown: it cancels its consumer first, lets the pipeline settle what it holds (bounded by
 *   drainMs), then closes; what it could not finish goes back to the queue unacked.
 * - Replies: Nest drops the promise of a reply's publish, so one still unconfirmed when the broker
 *   goes away rejects unhandled and ends the worker; a lost reply is harmless (the caller answers 503
 *   and retries with its Idempotency-Key), so it is only logged.
 */
export class CommandServer extends ServerRMQ {
  private readonly serverLogger = new Logger(CommandServer.name);
  private readonly consumerTag = `worker-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private current?: Channel;
  private subscribed = false;
  private closing = false;
  private readonly replies = new PendingReplies();
  private readonly onIntakeChange = () => void this.followIntake();

  constructor(
    options: Required<RmqOptions>['options'],
    private readonly settings: CommandServerOptions,
  ) {
    super(options);
    intake.on('change', this.onIntakeChange);
  }

  /** Replaces Nest's: declares every queue, and consumes only while the intake is open. */
  override async setupChannel(channel: Channel, callback: () => void): Promise<void> {
    this.current = channel;
    this.subscribed = false;
    // Without a listener, amqplib throws a channel's error inside the connection's read loop.
    channel.on('error', (err: Error) => this.serverLogger.warn(`Channel error: ${err.message}`));
    channel.once('close', () => this.channelClosed(channel));
    await this.settings.declareQueues(channel);
    await channel.prefetch(this.options.prefetchCount ?? 0, false);
    if (intake.isOpen) await this.subscribe(channel);
    callback();
  }

  override async close(): Promise<void> {
    this.closing = true;
    intake.off('change', this.onIntakeChange);
    const until = Date.now() + this.settings.drainMs;
    await this.unsubscribe();
    const held = inFlight.size;
    if (held > 0) {
      this.serverLogger.log(
        `Stopped consuming; waiting up to ${this.settings.drainMs} ms for ${held} message(s)`,
      );
      if (!(await inFlight.drained(this.settings.drainMs)))
        this.serverLogger.warn(`${inFlight.size} message(s) unfinished; they go back to the queue`);
    }
    // Nest publishes a settled message's reply a moment after the pipeline lets go of it.
    await new Promise((resolve) => setImmediate(resolve));
    await this.replies.settled(Math.max(0, until - Date.now()));
    await super.close();
  }

  override sendMessage<T = unknown>(
    message: T & OutgoingResponse,
    replyTo: string,
    correlationId: string,
    _context: RmqContext,
  ): void {
    const { options, ...packet } = this.serializer.serialize(message) as {
      options?: Record<string, unknown>;
    };
    // Typed `any` through Nest's optional dependency on amqp-connection-manager.
    const channel = this.channel as ChannelWrapper | null;
    const sent = channel?.sendToQueue(replyTo, Buffer.from(JSON.stringify(packet)), {
      correlationId,
      ...options,
    });
    if (sent) this.replies.track(sent, correlationId);
  }

  private async subscribe(channel: Channel): Promise<void> {
    if (this.subscribed || this.closing) return;
    this.subscribed = true;
    await channel.consume(
      this.queue,
      (message: ConsumeMessage | null) => {
        if (message)
          void this.handleMessage(message, channel).catch((err: Error) => this.handleError(String(err)));
        else void this.cancelledByBroker(channel);
      },
      { noAck: false, consumerTag: this.consumerTag },
    );
  }

  private async unsubscribe(): Promise<void> {
    if (!this.subscribed) return;
    this.subscribed = false;
    await this.current?.cancel(this.consumerTag).catch(() => undefined);
  }

  private async followIntake(): Promise<void> {
    if (this.closing || !this.current) return;
    if (intake.isOpen) {
      await this.subscribe(this.current).catch((err: unknown) =>
        this.lost(`could not consume again: ${String(err)}`),
      );
      this.serverLogger.log('Consuming commands again');
    } else {
      await this.unsubscribe();
      this.serverLogger.warn('Stopped consuming commands until the database answers again');
    }
  }

  /** The broker cancelled the consumer (its queue was deleted, say): declare again and re-subscribe. */
  private async cancelledByBroker(channel: Channel): Promise<void> {
    this.subscribed = false;
    if (this.closing) return;
    this.serverLogger.warn('The broker cancelled the consumer; declaring the queues and subscribing again');
    try {
      await this.settings.declareQueues(channel);
      if (intake.isOpen) await this.subscribe(channel);
    } catch (err) {
      this.lost(`could not subscribe again: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private channelClosed(channel: Channel): void {
    if (this.current !== channel) return;
    this.current = undefined;
    this.subscribed = false;
    if (!this.closing) this.lost('its channel closed');
  }

  /**
   * Starts again from a fresh connection. On a next tick: a channel closed because its connection
   * went is reconnected by amqp-connection-manager on its own, with its usual delay.
   */
  private lost(why: string): void {
    setImmediate(() => {
      // Typed `any` through Nest's optional dependency on amqp-connection-manager.
      const connection = this.server as AmqpConnectionManager | null;
      if (this.closing || !connection?.isConnected() || this.current) return;
      this.serverLogger.warn(`The worker's channel is gone (${why}); reconnecting`);
      connection.reconnect();
    });
  }
}

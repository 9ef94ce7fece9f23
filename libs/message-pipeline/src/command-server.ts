import { Logger } from '@nestjs/common';
import { MessageHandler, OutgoingResponse, RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import { MessageHeader } from '@app/messaging';
import type { MessageAuthenticator } from '@app/signing';
import { refusedUnread } from './arrival-check';
import { inFlight } from './in-flight';
import { intake } from './intake';
import { deadLetterReason } from './dead-letter-reason';
import { MessageMetrics, UNKNOWN_PATTERN, UNREAD_PATTERN } from './message.metrics';
import { PendingReplies } from './pending-replies';
import { QueueConsumer } from './queue-consumer';
import { replySignatures } from './reply-signatures';
import { unknownPattern } from './unknown-pattern';

export interface CommandServerOptions {
  /** How long a shutdown waits for the messages in hand before closing anyway. */
  drainMs: number;
  /** Declares every queue the worker needs; run on each (re)connect, before consuming. */
  declareQueues: (channel: Channel) => Promise<void>;
  /** Queues consumed besides Nest's own, each on its own channel with its own prefetch. */
  moreQueues?: Array<{ queue: string; prefetch: number }>;
  /** False for a worker that runs jobs only: Nest's own queue (the commands) is left to others. */
  consumeCommands?: boolean;
  /** Larger deliveries are dead-lettered unread, before Nest parses them. */
  maxMessageBytes: number;
  /** Checks each delivery's signature over its raw bytes: one the gateway did not sign is dead-lettered unread. */
  authenticator: MessageAuthenticator;
  /** Where those go. */
  deadLetterQueue: string;
  /** Counts what the transport refuses before the pipeline sees it. */
  metrics?: MessageMetrics;
}

/** What /health/ready asks of the transport. */
export interface TransportReadiness {
  /** Connected to the broker. */
  broker: boolean;
  /** Every queue it serves has a live consumer (none while the intake is closed or it drains). */
  consuming: boolean;
}

/**
 * Nest's RMQ server, with its holes closed.
 * - Staying subscribed: Nest ignores the broker cancelling its consumer (queue deleted, failover)
 *   and, through amqp-connection-manager, waits for the next reconnect when only its channel
 *   closes: either way the worker would sit idle for good. Each QueueConsumer re-declares and
 *   re-subscribes; a lost channel forces a reconnect.
 * - More than one queue: background jobs have a queue and a prefetch of their own.
 * - Size and signature: a delivery over MESSAGE_MAX_BYTES, nested too deep, or whose bytes the
 *   gateway's key did not sign is dead-lettered unread; Nest would JSON.parse any body it is handed,
 *   however large, on a worker whose heap is capped.
 * - Unknown patterns: rejected on the channel they came on, not Nest's own.
 * - Pausing: while the intake is closed (the database is unreachable) it holds no consumer.
 * - Shutdown: it cancels its consumers first, lets the pipeline settle what it holds (bounded by
 *   drainMs), then closes; what it could not finish goes back to the queue unacked.
 * - Replies: Nest drops the promise of a reply's publish, so one still unconfirmed when the broker
 *   goes away rejects unhandled and ends the worker; a lost reply is harmless (the caller answers 503
 *   and retries with its Idempotency-Key), so it is only logged. A message without a reply address
 *   (a job's batch) gets none. A reply to a request the pipeline authenticated is signed, bound to
 *   that request; any other goes unsigned, and the gateway drops it.
 */
export class CommandServer extends ServerRMQ {
  private readonly serverLogger = new Logger(CommandServer.name);
  private readonly consumers: QueueConsumer[];
  // Nest's own queue (the commands), unless this worker runs jobs only; the others' channels are ours.
  private readonly own?: QueueConsumer;
  private readonly others: QueueConsumer[];
  private readonly extraChannels: ChannelWrapper[] = [];
  // Set up once, on the first connect: setupChannel runs again on every reconnect.
  private wired = false;
  private closing = false;
  private readonly replies = new PendingReplies();
  private readonly handlersByPattern = new Map<string, MessageHandler>();
  private readonly onIntakeChange = () => void this.followIntake();
  private readonly unknownPattern: MessageHandler<unknown, RmqContext> = (data, context) => {
    this.settings.metrics?.refused(UNKNOWN_PATTERN, 'unknown_pattern');
    return unknownPattern(data, context);
  };

  constructor(
    options: Required<RmqOptions>['options'],
    private readonly settings: CommandServerOptions,
  ) {
    super(options);
    const events = {
      message: (message: ConsumeMessage, channel: Channel) => {
        // Before Nest parses the body: what is too large, nests too deep or is not signed by the
        // gateway never reaches JSON.parse.
        const unread = {
          maxBytes: settings.maxMessageBytes,
          deadLetterQueue: settings.deadLetterQueue,
          authenticator: settings.authenticator,
        };
        const refusal = refusedUnread(message, channel, unread);
        if (refusal !== undefined) {
          settings.metrics?.refused(UNREAD_PATTERN, deadLetterReason(refusal));
          return;
        }
        void this.handleMessage(message, channel).catch((err: Error) => this.handleError(String(err)));
      },
      lost: (why: string) => this.lost(why),
    };
    const consumer = ({ queue, prefetch }: { queue: string; prefetch: number }) =>
      new QueueConsumer(queue, prefetch, settings.declareQueues, events);
    if (settings.consumeCommands !== false)
      this.own = consumer({ queue: this.queue, prefetch: options.prefetchCount ?? 0 });
    this.others = (settings.moreQueues ?? []).map(consumer);
    this.consumers = [...(this.own ? [this.own] : []), ...this.others];
    intake.on('change', this.onIntakeChange);
  }

  /** Replaces Nest's, for its own channel; the other queues get channels of their own. */
  override async setupChannel(channel: Channel, callback: () => void): Promise<void> {
    if (!this.wired) {
      this.wired = true;
      // A setup that fails (its channel closed under it, say) is emitted as 'error' by the wrapper,
      // which without a listener would end the worker; the wrapper sets up again on reconnect.
      (this.channel as ChannelWrapper | null)?.on('error', (err: Error) => this.wrapperError(err));
      // Typed `any` through Nest's optional dependency on amqp-connection-manager.
      const connection = this.server as AmqpConnectionManager;
      for (const consumer of this.others) {
        // Run again by amqp-connection-manager on every reconnect.
        const wrapper = connection.createChannel({ json: false, setup: (c: Channel) => consumer.attach(c) });
        wrapper.on('error', (err: Error) => this.wrapperError(err));
        this.extraChannels.push(wrapper);
      }
    }
    // Without a consumer of its own, the channel still carries replies, and declares the queues.
    await (this.own ? this.own.attach(channel) : this.settings.declareQueues(channel));
    callback();
  }

  /**
   * Never none: Nest would reject a message without a handler on the wrong channel (see
   * unknownPattern). Found handlers are kept by pattern: Nest's lookup first tries JSON.parse on
   * the pattern, which throws for every plain string one (about 1% of the worker's CPU under
   * load). Only registered patterns are kept, so what senders make up cannot grow the map.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    const known = this.handlersByPattern.get(pattern);
    if (known) return known;
    const found = super.getHandlerByPattern(pattern);
    if (!found) return this.unknownPattern;
    this.handlersByPattern.set(pattern, found);
    return found;
  }

  get readiness(): TransportReadiness {
    // Typed `any` through Nest's optional dependency on amqp-connection-manager.
    const connection = this.server as AmqpConnectionManager | null;
    return {
      broker: !this.closing && connection?.isConnected() === true,
      consuming: !this.closing && this.consumers.every((consumer) => consumer.consuming),
    };
  }

  override async close(): Promise<void> {
    this.closing = true;
    intake.off('change', this.onIntakeChange);
    const until = Date.now() + this.settings.drainMs;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
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
    await Promise.all(this.extraChannels.map((channel) => channel.close().catch(() => undefined)));
    await super.close();
  }

  override sendMessage<T = unknown>(
    message: T & OutgoingResponse,
    replyTo: string,
    correlationId: string,
    context: RmqContext,
  ): void {
    if (!replyTo) return;
    const { options, ...packet } = this.serializer.serialize(message) as {
      options?: Record<string, unknown>;
    };
    const content = Buffer.from(JSON.stringify(packet));
    const signature = replySignatures.sign(context.getMessage() as ConsumeMessage, correlationId, content);
    // Typed `any` through Nest's optional dependency on amqp-connection-manager.
    const channel = this.channel as ChannelWrapper | null;
    const sent = channel?.sendToQueue(replyTo, content, {
      correlationId,
      ...options,
      ...(signature ? { headers: { [MessageHeader.Signature]: signature } } : {}),
    });
    if (sent) this.replies.track(sent, correlationId);
  }

  private wrapperError(err: Error): void {
    if (!this.closing) this.serverLogger.warn(`Channel set-up failed: ${err.message}`);
  }

  private async followIntake(): Promise<void> {
    if (this.closing) return;
    if (intake.isOpen) {
      await Promise.all(this.consumers.map((consumer) => consumer.subscribe())).catch((err: unknown) =>
        this.lost(`could not consume again: ${String(err)}`),
      );
      this.serverLogger.log('Consuming again');
    } else {
      await Promise.all(this.consumers.map((consumer) => consumer.unsubscribe()));
      this.serverLogger.warn('Stopped consuming until the database answers again');
    }
  }

  /**
   * Starts again from a fresh connection. On a next tick: a channel closed because its connection
   * went is reconnected by amqp-connection-manager on its own, with its usual delay.
   */
  private lost(why: string): void {
    setImmediate(() => {
      // Typed `any` through Nest's optional dependency on amqp-connection-manager.
      const connection = this.server as AmqpConnectionManager | null;
      if (this.closing || !connection?.isConnected() || this.consumers.every((c) => c.hasChannel)) return;
      this.serverLogger.warn(`A channel is gone (${why}); reconnecting`);
      connection.reconnect();
    });
  }
}

import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { intake } from './intake';

export interface ConsumerEvents {
  message: (message: ConsumeMessage, channel: Channel) => void;
  /** The channel is gone while the connection may still be up: start again from a fresh connection. */
  lost: (why: string) => void;
}

/**
 * One queue the worker consumes, on a channel of its own with its own prefetch, kept subscribed:
 * a consumer the broker cancels (its queue deleted, say) is declared again and re-subscribed, and a
 * channel the broker closes is reported as lost. It consumes only while the intake is open.
 */
export class QueueConsumer {
  private readonly logger = new Logger('Consumer');
  readonly tag = `worker-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private channel?: Channel;
  private subscribed = false;
  private confirmed = false;
  private closing = false;

  constructor(
    readonly queue: string,
    private readonly prefetch: number,
    private readonly declareQueues: (channel: Channel) => Promise<void>,
    private readonly events: ConsumerEvents,
  ) {}

  /** A new channel (first connect or reconnect): declares, sets the prefetch, subscribes. */
  async attach(channel: Channel): Promise<void> {
    this.channel = channel;
    this.subscribed = false;
    this.confirmed = false;
    // Without a listener, amqplib throws a channel's error inside the connection's read loop.
    channel.on('error', (err: Error) => this.logger.warn(`${this.queue}: channel error: ${err.message}`));
    channel.once('close', () => this.closed(channel));
    await this.declareQueues(channel);
    await channel.prefetch(this.prefetch, false);
    await this.subscribe();
  }

  get hasChannel(): boolean {
    return this.channel !== undefined;
  }

  /** Subscribed, and the broker has confirmed the consumer: deliveries can come. */
  get consuming(): boolean {
    return this.subscribed && this.confirmed;
  }

  async subscribe(): Promise<void> {
    const channel = this.channel;
    if (!channel || this.subscribed || this.closing || !intake.isOpen) return;
    this.subscribed = true;
    await channel.consume(
      this.queue,
      (message) => (message ? this.events.message(message, channel) : void this.cancelledByBroker(channel)),
      { noAck: false, consumerTag: this.tag },
    );
    this.confirmed = this.subscribed;
  }

  async unsubscribe(): Promise<void> {
    if (!this.subscribed) return;
    this.subscribed = false;
    this.confirmed = false;
    await this.channel?.cancel(this.tag).catch(() => undefined);
  }

  /** For good: no more re-subscribing. */
  async stop(): Promise<void> {
    this.closing = true;
    await this.unsubscribe();
  }

  private async cancelledByBroker(channel: Channel): Promise<void> {
    this.subscribed = false;
    this.confirmed = false;
    if (this.closing) return;
    this.logger.warn(`The broker cancelled the consumer of ${this.queue}; declaring and subscribing again`);
    try {
      await this.declareQueues(channel);
      await this.subscribe();
    } catch (err) {
      this.events.lost(`could not subscribe again: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private closed(channel: Channel): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.subscribed = false;
    this.confirmed = false;
    if (!this.closing) this.events.lost(`the channel of ${this.queue} closed`);
  }
}

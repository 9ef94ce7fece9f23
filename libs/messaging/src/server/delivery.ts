import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * One delivered message, settled at most once: a second ack or nack of the same delivery tag
 * makes RabbitMQ close the channel, taking every other in-flight message with it.
 */
export class Delivery {
  private settled = false;

  constructor(
    private readonly channel: Channel,
    readonly message: ConsumeMessage,
  ) {}

  get isSettled(): boolean {
    return this.settled;
  }

  ack(): void {
    if (this.settle()) this.channel.ack(this.message);
  }

  /** Rejects without requeue, so the queue's dead-letter exchange takes it. */
  deadLetter(): void {
    if (this.settle()) this.channel.nack(this.message, false, false);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

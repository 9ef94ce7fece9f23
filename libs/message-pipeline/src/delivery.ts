import type { Channel, ConsumeMessage } from 'amqplib';
import { MessageHeader } from '@app/messaging';

/**
 * One delivered message, settled at most once: a second ack or nack of the same delivery tag
 * makes RabbitMQ close the channel, taking every other in-flight message with it.
 */
export class Delivery {
  private settled = false;

  constructor(
    private readonly channel: Channel,
    readonly message: ConsumeMessage,
    private readonly deadLetterQueue: string,
  ) {}

  get isSettled(): boolean {
    return this.settled;
  }

  ack(): void {
    if (this.settle()) this.channel.ack(this.message);
  }

  /**
   * Moves the message to the dead-letter queue with the reason in a header (a plain nack could
   * only say "rejected"), then acks the original. A crash between the two leaves a duplicate in
   * the dead-letter queue, never a lost message.
   */
  deadLetter(reason: string): void {
    if (!this.settle()) return;
    const { properties, content } = this.message;
    this.channel.sendToQueue(this.deadLetterQueue, content, {
      persistent: true,
      contentType: properties.contentType as string | undefined,
      messageId: properties.messageId as string | undefined,
      correlationId: properties.correlationId as string | undefined,
      timestamp: properties.timestamp as number | undefined,
      headers: { ...(properties.headers ?? {}), [MessageHeader.DeadLetterReason]: reason },
    });
    this.channel.ack(this.message);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

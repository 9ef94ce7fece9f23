import { Logger } from '@nestjs/common';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { MessageHeader } from '@app/messaging';
import { inFlight } from './in-flight';

/** What became of a message, as counted and logged: bounded, whatever the message said. */
export type MessageOutcome = 'acked' | 'dead-lettered' | 'retried' | 'domain error';

/**
 * One delivered message, settled at most once: a second ack or nack of the same delivery tag
 * makes RabbitMQ close the channel, taking every other in-flight message with it.
 */
export class Delivery {
  private static readonly logger = new Logger('Delivery');
  private settled = false;
  /** How it was settled, once it is; `deadLetterReason` goes with `dead-lettered`. */
  outcome?: MessageOutcome;
  deadLetterReason?: string;

  constructor(
    private readonly channel: Channel,
    readonly message: ConsumeMessage,
    private readonly deadLetterQueue: string,
  ) {}

  get isSettled(): boolean {
    return this.settled;
  }

  /** `domain error` for a refusal answered to the caller (acked all the same). */
  ack(outcome: 'acked' | 'domain error' = 'acked'): void {
    if (!this.settle()) return;
    this.outcome = outcome;
    this.onChannel(() => this.channel.ack(this.message));
  }

  /**
   * Moves the message to the dead-letter queue with the reason in a header (a plain nack could
   * only say "rejected"), then acks the original. A crash between the two leaves a duplicate in
   * the dead-letter queue, never a lost message.
   */
  deadLetter(reason: string, headers: Record<string, unknown> = {}): void {
    if (!this.settle()) return;
    this.outcome = 'dead-lettered';
    this.deadLetterReason = reason;
    this.copyToDeadLetters(reason, headers);
  }

  private copyToDeadLetters(reason: string, headers: Record<string, unknown> = {}): void {
    // The routing key is the queue's name, whether the publisher or a retry rung put it there.
    const source = this.message.fields.routingKey;
    const copy = {
      [MessageHeader.DeadLetterReason]: reason,
      [MessageHeader.SourceQueue]: source,
      ...headers,
    };
    // The dead-letter queue drops its oldest rather than refuse; should it refuse all the same, the
    // source queue's own dead-lettering takes the message there, without the reason.
    this.moveTo(this.deadLetterQueue, copy, {}, () => this.channel.nack(this.message, false, false));
  }

  /** Which attempt this delivery is: 1 for the original, n for its (n - 1)th retried copy. */
  get attempt(): number {
    const attempt = Number((this.message.properties.headers ?? {})[MessageHeader.Attempt] ?? 1);
    return Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1;
  }

  /**
   * Parks a copy in a delay queue for `delayMs`, after which RabbitMQ routes it back to the command
   * queue as the next attempt, with its reply address and correlation id, so the caller still
   * waiting gets the retried attempt's answer. Then acks the original.
   */
  retryLater(queue: string, delayMs: number): void {
    if (!this.settle()) return;
    this.outcome = 'retried';
    // A full delay queue refuses the copy (it is bounded): the message is dead-lettered instead of
    // lost, and its caller, who waits for the retry's answer, gets a 503 when it gives up.
    this.moveTo(
      queue,
      { [MessageHeader.Attempt]: this.attempt + 1 },
      { expiration: String(delayMs) },
      () => this.copyToDeadLetters(`retry queue full: ${queue}`, { [MessageHeader.Attempt]: this.attempt }),
    );
  }

  /**
   * Copies the message to another queue with extra headers, then acks the original. The reply
   * address and correlation id go with it: the signature covers them, so a copy without them could
   * no longer be verified (by its next attempt, or by `npm run dlq -- replay`). On a channel in
   * confirm mode (the worker's are), the original is acked only once the broker has taken the copy:
   * a bounded queue that is full refuses it (reject-publish), and the original is then `refused`.
   */
  private moveTo(
    queue: string,
    headers: Record<string, unknown>,
    extra: { expiration?: string },
    refused: () => void,
  ): void {
    const { properties, content } = this.message;
    const options = {
      persistent: true,
      contentType: properties.contentType as string | undefined,
      messageId: properties.messageId as string | undefined,
      correlationId: properties.correlationId as string | undefined,
      replyTo: properties.replyTo as string | undefined,
      timestamp: properties.timestamp as number | undefined,
      headers: { ...(properties.headers ?? {}), ...headers },
      ...extra,
    };
    this.onChannel(() => {
      if (!isConfirmChannel(this.channel)) {
        this.channel.sendToQueue(queue, content, options);
        this.channel.ack(this.message);
        return;
      }
      this.channel.sendToQueue(queue, content, options, (err: unknown) => {
        inFlight.leave();
        if (err) {
          const why = err instanceof Error ? err.message : 'refused';
          Delivery.logger.warn(`${queue} did not take message ${String(properties.messageId)}: ${why}`);
        }
        // A channel that closed meanwhile (also reported as an error) throws here: see onChannel.
        this.onChannel(() => (err ? refused() : this.channel.ack(this.message)));
      });
      // Held until the broker answers, so that a shutdown waits for it. After the publish: one that
      // throws (a closed channel) leaves nothing pending.
      inFlight.enter();
    });
  }

  /**
   * amqplib throws at once on a channel that has closed. The message then goes back to the queue
   * unacked and comes again: the inbox answers it if its work committed, and a copy that did reach
   * the dead-letter or a retry queue is a duplicate, never a loss. So it is logged, not thrown: a
   * throw here would turn committed work into an error reply.
   */
  private onChannel(settle: () => void): void {
    try {
      settle();
    } catch (err) {
      Delivery.logger.warn(
        `Could not settle message ${String(this.message.properties.messageId)}: ${err instanceof Error ? err.message : String(err)}; the broker will deliver it again`,
      );
    }
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    return true;
  }
}

function isConfirmChannel(channel: Channel): channel is ConfirmChannel {
  return typeof (channel as Partial<ConfirmChannel>).waitForConfirms === 'function';
}

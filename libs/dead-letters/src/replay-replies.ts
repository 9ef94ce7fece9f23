import type { Channel, ConsumeMessage } from 'amqplib';

/** What the worker answered a replayed request, or that it did not in time. */
export type ReplayAnswer =
  { kind: 'answered'; response: unknown } | { kind: 'refused'; error: unknown } | { kind: 'unanswered' };

/**
 * Reads one reply packet of Nest's RMQ server: `{response}` or `{err}`, possibly followed by (or
 * merged with) `{isDisposed: true}`, which alone means the handler answered nothing.
 */
export function readReply(content: Buffer): ReplayAnswer | undefined {
  let packet: unknown;
  try {
    packet = JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof packet !== 'object' || packet === null) return undefined;
  const { err, response, isDisposed } = packet as { err?: unknown; response?: unknown; isDisposed?: unknown };
  if (err !== undefined && err !== null) return { kind: 'refused', error: err };
  if ('response' in packet || isDisposed === true) return { kind: 'answered', response };
  return undefined;
}

interface Waiter {
  resolve: (answer: ReplayAnswer) => void;
  timer: NodeJS.Timeout;
}

/**
 * The worker's answers to replayed requests, on a queue named by the broker and exclusive to this
 * connection (not direct reply-to: the broker rewrites that address on the way, and the replay's
 * signature covers it). Matched by correlation id, which every replay gets fresh.
 */
export class ReplayReplies {
  private readonly waiting = new Map<string, Waiter>();

  private constructor(readonly queue: string) {}

  static async start(channel: Channel): Promise<ReplayReplies> {
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    const replies = new ReplayReplies(queue);
    await channel.consume(queue, (message) => replies.deliver(message), { noAck: true });
    return replies;
  }

  /** Resolves with the answer, or with `unanswered` after timeoutMs. Call before publishing. */
  expect(correlationId: string, timeoutMs: number): Promise<ReplayAnswer> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(correlationId, { kind: 'unanswered' }), timeoutMs);
      this.waiting.set(correlationId, { resolve, timer });
    });
  }

  /** Stops waiting (the request was never sent). */
  cancel(correlationId: string): void {
    this.settle(correlationId, { kind: 'unanswered' });
  }

  private deliver(message: ConsumeMessage | null): void {
    if (!message) return;
    const answer = readReply(message.content);
    const correlationId = message.properties.correlationId as string | undefined;
    // A later packet of the same answer ({isDisposed}) finds nobody waiting any more.
    if (answer && correlationId) this.settle(correlationId, answer);
  }

  private settle(correlationId: string, answer: ReplayAnswer): void {
    const waiter = this.waiting.get(correlationId);
    if (!waiter) return;
    this.waiting.delete(correlationId);
    clearTimeout(waiter.timer);
    waiter.resolve(answer);
  }
}

import { Logger } from '@nestjs/common';

/**
 * Replies published and not yet confirmed by the broker, so that a closing worker can wait for them
 * (bounded: while the broker is away the channel holds publishes indefinitely). A reply that fails
 * is logged, never thrown: the work is committed and the message settled, and the caller's RPC times
 * out and answers 503.
 */
export class PendingReplies {
  private readonly logger = new Logger('Replies');
  private readonly pending = new Set<Promise<unknown>>();

  track(sent: Promise<unknown>, correlationId: string): void {
    const tracked = sent.catch((err: unknown) =>
      this.logger.warn(`Reply ${correlationId} lost: ${err instanceof Error ? err.message : String(err)}`),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Resolves when every reply is confirmed or failed, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}

/**
 * Remembers message ids for as long as a signature stays fresh, so the same signed message is
 * processed once. Per worker process: across several workers a replay inside the window can
 * reach another one (see SECURITY.md).
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** False when the id was already seen inside the window. */
  firstSighting(messageId: string, now = Date.now()): boolean {
    this.evict(now);
    if (this.seen.has(messageId)) return false;
    this.seen.set(messageId, now + this.windowMs);
    return true;
  }

  /** Lets the id through once more: its message was retried, not processed. */
  forget(messageId: string): void {
    this.seen.delete(messageId);
  }

  private evict(now: number): void {
    // Insertion order is expiry order (constant window), so stop at the first live entry.
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(id);
    }
  }
}

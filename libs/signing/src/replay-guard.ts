/**
 * Remembers signatures for `windowMs` after they are first seen, the window ends included; the
 * caller makes it as long as a signature can stay acceptable, so the same signed message is
 * processed once. Keyed by the signature, not the message id: the gateway may send the same id
 * again (an Idempotency-Key retry), signed anew, and the inbox answers that one. Per worker
 * process: across several workers a replay inside the window can reach another one, where the
 * inbox stops it from applying anything twice (see SECURITY.md).
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** False when the key was already seen inside the window. */
  firstSighting(key: string, now = Date.now()): boolean {
    this.evict(now);
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + this.windowMs);
    return true;
  }

  /** Lets the key through once more: its message was retried, not processed. */
  forget(key: string): void {
    this.seen.delete(key);
  }

  private evict(now: number): void {
    // Insertion order is expiry order (constant window), so stop at the first live entry.
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt >= now) return;
      this.seen.delete(id);
    }
  }
}

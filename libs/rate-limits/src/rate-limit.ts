/** A tenant's request budget at the gateway: `rps` on average, at most `burst` at once. */
export interface RateLimit {
  rps: number;
  burst: number;
}

/**
 * The budget as @nestjs/throttler counts it: at most `burst` requests in any window of
 * burst ÷ rps seconds. Its store keeps each hit until it leaves the window (a sliding log, not
 * fixed windows), so no edge between windows lets twice the burst through.
 */
export function throttlerWindow({ rps, burst }: RateLimit): { limit: number; ttl: number } {
  return { limit: burst, ttl: Math.max(1, Math.ceil((burst / rps) * 1000)) };
}

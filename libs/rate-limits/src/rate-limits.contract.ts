import { IsEmpty } from 'class-validator';

/** The command the gateway sends to learn a tenant's own budget (libs/rate-limits). */
export const RateLimitPattern = {
  Get: 'tenants.rate-limit.v1',
} as const;

/** Payload of tenants.rate-limit.v1: `{}`; the tenant is the message's own. */
export class RateLimitQuery {
  // class-validator refuses an object of a class it holds no rule for ("an unknown value was
  // passed to the validate function"): one rule, on a field that is never sent.
  @IsEmpty()
  readonly none?: undefined;
}

/** A tenant's stored budget; nulls: the gateway's RATE_LIMIT_RPS and RATE_LIMIT_BURST. */
export interface StoredRateLimit {
  rps: number | null;
  burst: number | null;
}

// Per-tenant request limits at the gateway (@nestjs/throttler keyed by the verified tenant), and
// the worker's command that tells a gateway a tenant's own budget.
export { RateLimitModule } from './rate-limit.module';
export type { RateLimitModuleOptions } from './rate-limit.module';
export { throttlerWindow } from './rate-limit';
export type { RateLimit } from './rate-limit';
export type { RateLimitOptions } from './tenant-budgets';
export { RateLimitPattern } from './rate-limits.contract';
export type { StoredRateLimit } from './rate-limits.contract';

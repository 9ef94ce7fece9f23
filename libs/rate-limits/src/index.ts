// Per-tenant request limits at the gateway (@nestjs/throttler keyed by the verified tenant).
export { RateLimitModule } from './rate-limit.module';
export type { RateLimitModuleOptions } from './rate-limit.module';
export { throttlerWindow } from './rate-limit';
export type { RateLimit } from './rate-limit';

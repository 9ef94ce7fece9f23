import { Controller } from '@nestjs/common';
import { Command } from '@app/message-pipeline';
import { RateLimitPattern, RateLimitQuery, StoredRateLimit } from './rate-limits.contract';
import { RateLimitsRepository } from './rate-limits.repository';

/** Worker side: tells a gateway the budget of the tenant whose message this is. */
@Controller()
export class RateLimitsMessageController {
  constructor(private readonly limits: RateLimitsRepository) {}

  @Command(RateLimitPattern.Get, RateLimitQuery, { readsOnly: true })
  get(): Promise<StoredRateLimit> {
    return this.limits.current();
  }
}

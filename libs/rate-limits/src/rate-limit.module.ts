import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import { throttlerWindow } from './rate-limit';
import { RATE_LIMIT_OPTIONS, RateLimitOptions, TenantBudgets } from './tenant-budgets';
import { TenantThrottlerGuard } from './tenant-throttler.guard';

export interface RateLimitModuleOptions<Deps extends unknown[]> {
  inject: { [K in keyof Deps]: Type<Deps[K]> };
  useFactory: (...deps: Deps) => RateLimitOptions;
}

// One budget per tenant, shared by all its routes. Named 'default': the guard suffixes the headers
// of any other name (RateLimit-Limit-<name>).
const THROTTLER = 'default';

function throttlerOptions({ defaults }: RateLimitOptions): ThrottlerModuleOptions {
  return {
    throttlers: [
      {
        name: THROTTLER,
        // The guard puts each tenant's own window in place of this one.
        ...throttlerWindow(defaults ?? { rps: 1, burst: 1 }),
        // A refused request does not count, and nothing blocks longer than the window itself.
        blockDuration: 0,
        ...(defaults === undefined && { skipIf: () => true }),
      },
    ],
  };
}

/**
 * Per-tenant request limits: `RateLimitModule.forRootAsync({ inject, useFactory })` in the gateway,
 * imported after AuthModule so that its guard runs once the token's tenant is known;
 * `RateLimitModule.forWorker()` in the worker, which tells gateways each tenant's own budget.
 */
@Module({})
export class RateLimitModule {
  static forRootAsync<Deps extends unknown[]>({
    inject,
    useFactory,
  }: RateLimitModuleOptions<Deps>): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          inject,
          useFactory: (...deps: Deps) => throttlerOptions(useFactory(...deps)),
        }),
      ],
      providers: [
        { provide: RATE_LIMIT_OPTIONS, inject, useFactory },
        TenantBudgets,
        { provide: APP_GUARD, useClass: TenantThrottlerGuard },
      ],
    };
  }

  /** Loaded only here, so that a gateway never loads the repository and the database client behind it. */
  static async forWorker(): Promise<DynamicModule> {
    const [{ RateLimitsMessageController }, { RateLimitsRepository }] = await Promise.all([
      import('./rate-limits.message.controller.js'),
      import('./rate-limits.repository.js'),
    ]);
    return {
      module: RateLimitModule,
      controllers: [RateLimitsMessageController],
      providers: [RateLimitsRepository],
    };
  }
}

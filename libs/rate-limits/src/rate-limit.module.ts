import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import { RateLimit, throttlerWindow } from './rate-limit';
import { TenantThrottlerGuard } from './tenant-throttler.guard';

export interface RateLimitModuleOptions<Deps extends unknown[]> {
  inject: { [K in keyof Deps]: Type<Deps[K]> };
  /** Every tenant's budget; `undefined` turns limiting off. */
  useFactory: (...deps: Deps) => RateLimit | undefined;
}

// One budget per tenant, shared by all its routes. Named 'default': the guard suffixes the headers
// of any other name (RateLimit-Limit-<name>).
const THROTTLER = 'default';

function throttlerOptions(limit: RateLimit | undefined): ThrottlerModuleOptions {
  return {
    throttlers: [
      {
        name: THROTTLER,
        ...throttlerWindow(limit ?? { rps: 1, burst: 1 }),
        // A refused request does not count, and nothing blocks longer than the window itself.
        blockDuration: 0,
        ...(limit === undefined && { skipIf: () => true }),
      },
    ],
  };
}

/**
 * Per-tenant request limits at the gateway: `RateLimitModule.forRootAsync({ inject, useFactory })`,
 * imported after AuthModule, so that its guard runs after the token's tenant is known.
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
      providers: [{ provide: APP_GUARD, useClass: TenantThrottlerGuard }],
    };
  }
}

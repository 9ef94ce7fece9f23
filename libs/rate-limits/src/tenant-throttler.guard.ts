import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { noteRequest } from '@app/logging';
import { TenantContextService } from '@app/tenancy';
import { throttlerWindow } from './rate-limit';
import { TenantBudgets } from './tenant-budgets';

/**
 * @nestjs/throttler's guard, keyed by the verified tenant rather than the client's address, with
 * one budget for all of a tenant's routes: its own, or the defaults. Runs after JwtAuthGuard
 * (RateLimitModule is imported after AuthModule): a request with no tenant in context (a public
 * route) is not counted.
 */
@Injectable()
export class TenantThrottlerGuard extends ThrottlerGuard {
  // The IETF draft's names (RateLimit-Limit, -Remaining, -Reset), not the X- prefixed ones.
  protected override headerPrefix = 'RateLimit';

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly tenants: TenantContextService,
    private readonly budgets: TenantBudgets,
  ) {
    super(options, storage, reflector);
  }

  /** With the tenant's own budget (tenants.rate_limit_*), where one is set, instead of the defaults. */
  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const budget = this.budgets.of(this.tenants.require().tenantId);
    return super.handleRequest({ ...request, ...throttlerWindow(budget) });
  }

  protected override shouldSkip(): Promise<boolean> {
    return Promise.resolve(this.tenants.get() === undefined);
  }

  protected override getTracker(): Promise<string> {
    return Promise.resolve(this.tenants.require().tenantId);
  }

  protected override generateKey(_context: ExecutionContext, tenantId: string): string {
    return tenantId;
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    { limit, ttl, timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('ratelimit-limit', limit).header('ratelimit-remaining', 0);
    void reply.header('ratelimit-reset', timeToBlockExpire);
    noteRequest({ outcome: 'rate limited' });
    const seconds = ttl / 1000;
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `This tenant may send ${limit} requests in ${seconds} s; retry after ${timeToBlockExpire} s`,
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

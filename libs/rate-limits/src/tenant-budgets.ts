import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandClient } from '@app/command-client';
import type { RateLimit } from './rate-limit';
import { RateLimitPattern, StoredRateLimit } from './rate-limits.contract';

/** What RateLimitModule needs to know: every tenant's default budget, and how long one is kept. */
export interface RateLimitOptions {
  /** `undefined`: no limits at all. */
  defaults?: RateLimit;
  /** How long a tenant's own budget, once learnt from a worker, is used before asking again. */
  cacheMs: number;
}

export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

// A failed lookup (broker or workers down) is tried again after this, the defaults applying meanwhile.
const RETRY_MS = 5_000;

interface Known {
  budget?: RateLimit;
  until: number;
  asking: boolean;
}

/**
 * Each tenant's budget as a worker last told it (the gateway holds no database credentials): the
 * defaults until the first answer, then the tenant's own for `cacheMs`. A lookup never holds a
 * request up: it runs beside the request that found the budget missing or stale, in its context
 * (its tenant, correlation id and trace), and the requests after it get the answer.
 */
@Injectable()
export class TenantBudgets {
  private readonly logger = new Logger(TenantBudgets.name);
  // One entry per tenant that has sent a request: as many as the tenants with a valid token.
  private readonly known = new Map<string, Known>();

  constructor(
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: RateLimitOptions,
    private readonly commands: CommandClient,
  ) {}

  /** The budget to apply now to a request of `tenantId`. Only called with limits on. */
  of(tenantId: string): RateLimit {
    const { defaults } = this.options;
    if (!defaults) throw new Error('rate limits are off');
    const known = this.known.get(tenantId);
    if (!known || (!known.asking && known.until <= Date.now())) this.ask(tenantId, known?.budget);
    return known?.budget ?? defaults;
  }

  private ask(tenantId: string, budget: RateLimit | undefined): void {
    this.known.set(tenantId, { budget, until: 0, asking: true });
    const remember = (next: RateLimit | undefined, forMs: number) =>
      this.known.set(tenantId, { budget: next, until: Date.now() + forMs, asking: false });
    void Promise.resolve()
      .then(() => this.commands.send<StoredRateLimit>(RateLimitPattern.Get, {}))
      .then(
        ({ rps, burst }) => remember(rps && burst ? { rps, burst } : undefined, this.options.cacheMs),
        (err: unknown) => {
          this.logger.debug(`no budget for tenant ${tenantId} yet: ${String(err)}`);
          remember(budget, RETRY_MS);
        },
      );
  }
}

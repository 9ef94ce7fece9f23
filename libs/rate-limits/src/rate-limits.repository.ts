import { Inject, Injectable } from '@nestjs/common';
import { TENANT_PRISMA, TenantPrismaClient } from '@app/database';
import { TenantContextService } from '@app/tenancy';
import type { StoredRateLimit } from './rate-limits.contract';

/** The current tenant's budget, from its row in tenants (RLS lets the runtime role see no other). */
@Injectable()
export class RateLimitsRepository {
  constructor(
    @Inject(TENANT_PRISMA) private readonly db: TenantPrismaClient,
    private readonly tenants: TenantContextService,
  ) {}

  async current(): Promise<StoredRateLimit> {
    const row = await this.db.tenant.findUnique({
      where: { id: this.tenants.require().tenantId },
      select: { rateLimitRps: true, rateLimitBurst: true },
    });
    return { rps: row?.rateLimitRps ?? null, burst: row?.rateLimitBurst ?? null };
  }
}

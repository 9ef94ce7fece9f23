import { Inject, Injectable } from '@nestjs/common';
import { TenantForbiddenError } from '@app/errors';
import { DATABASE_OPTIONS, DatabaseOptions } from '../database.options';
import type { PrismaTx } from './prisma-tx';

/**
 * Refuses unknown and suspended tenants. The answer is cached per worker for
 * TENANT_STATUS_TTL_MS, which bounds how long a suspension takes to bite.
 */
@Injectable()
export class TenantStatusService {
  private readonly active = new Map<string, number>();
  private readonly ttlMs: number;

  constructor(@Inject(DATABASE_OPTIONS) options: Pick<DatabaseOptions, 'tenantStatusTtlMs'>) {
    this.ttlMs = options.tenantStatusTtlMs;
  }

  async assertActive(tx: PrismaTx, tenantId: string): Promise<void> {
    const until = this.active.get(tenantId);
    if (until !== undefined && until > Date.now()) return;
    // RLS on tenants lets the runtime role see its own row only, so this reads nothing else.
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
    if (tenant?.status !== 'active') {
      this.active.delete(tenantId);
      throw new TenantForbiddenError();
    }
    if (this.ttlMs > 0) this.active.set(tenantId, Date.now() + this.ttlMs);
  }
}

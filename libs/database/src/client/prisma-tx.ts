import { TransactionHost } from '@nestjs-cls/transactional';
import { ClsService } from 'nestjs-cls';
import { TenantContextMissingError } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import type { PrismaService } from './prisma.service';

export type PrismaTxHost = TransactionHost<TransactionalAdapterPrisma<PrismaService>>;
export type PrismaTx = PrismaTxHost['tx'];

/** CLS key holding the transaction in which the current tenant was set, and that tenant. */
export const TENANT_BOUND_TX = Symbol('tenant-bound-tx');
export interface TenantBoundTx {
  tx: PrismaTx;
  tenantId: string;
}

/**
 * The transaction TenantTransaction bound to the tenant in context, with that tenant. Refuses,
 * before anything reaches the database, when there is no tenant, no active bound transaction (or
 * another one is current), or it belongs to another tenant.
 */
export function requireTenantBoundTx(
  txHost: PrismaTxHost,
  cls: ClsService,
  tenantContext: TenantContextService,
): TenantBoundTx {
  const { tenantId } = tenantContext.require();
  const bound = cls.get<TenantBoundTx | undefined>(TENANT_BOUND_TX);
  if (!bound || !txHost.isTransactionActive() || txHost.tx !== bound.tx) {
    throw new TenantContextMissingError('not inside a tenant transaction');
  }
  if (bound.tenantId !== tenantId) {
    throw new TenantContextMissingError('the transaction belongs to another tenant');
  }
  return bound;
}

import { TransactionHost } from '@nestjs-cls/transactional';
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

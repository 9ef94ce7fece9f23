import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import { ClsService } from 'nestjs-cls';
import { TenantContextService } from '@app/tenancy';
import { DATABASE_OPTIONS, DatabaseOptions } from '../database.options';
import { PrismaService } from './prisma.service';
import { TENANT_BOUND_TX, TenantBoundTx } from './prisma-tx';
import { TenantStatusService } from './tenant-status.service';

/**
 * Runs work in one transaction bound to the tenant in context: the tenant is set once with
 * set_config(..., is_local => true), so it dies with the transaction and a pooled connection
 * never carries it to the next user. The same statement bounds the transaction's statements and
 * lock waits, so a stuck lock becomes an error the worker retries, not a worker wedged forever.
 */
@Injectable()
export class TenantTransaction {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterPrisma<PrismaService>>,
    private readonly cls: ClsService,
    private readonly tenantContext: TenantContextService,
    private readonly tenantStatus: TenantStatusService,
    @Inject(DATABASE_OPTIONS) private readonly options: DatabaseOptions,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // Read before BEGIN: without a tenant no connection is even taken from the pool.
    const { tenantId } = this.tenantContext.require();
    return this.txHost.withTransaction(async () => {
      const tx = this.txHost.tx;
      const { statementTimeoutMs, lockTimeoutMs } = this.options;
      await tx.$executeRaw`SELECT set_config('app.current_tenant_id', ${tenantId}, true),
        set_config('statement_timeout', ${`${statementTimeoutMs}ms`}, true),
        set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`;
      this.cls.set(TENANT_BOUND_TX, { tx, tenantId } satisfies TenantBoundTx);
      await this.tenantStatus.assertActive(tx, tenantId);
      return work();
    });
  }
}

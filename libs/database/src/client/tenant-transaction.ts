import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import { ClsService } from 'nestjs-cls';
import { InFlightError } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import { DATABASE_OPTIONS, DatabaseOptions } from '../database.options';
import { PrismaService } from './prisma.service';
import { TENANT_BOUND_TX, TenantBoundTx } from './prisma-tx';
import { TenantStatusService } from './tenant-status.service';
import { openingAs, TenantOpening } from './tenant-opening';
import { TenantSlots } from './tenant-slots';

/**
 * Runs work in one transaction bound to the tenant in context: the tenant is set once with
 * set_config(..., is_local => true), so it dies with the transaction and a pooled connection
 * never carries it to the next user. The same statement bounds the transaction's statements and
 * lock waits, so a stuck lock becomes an error the worker retries, not a worker wedged forever.
 * That statement goes out with BEGIN and the work's first statement, in one packet
 * (pipelineTenantOpening), and the first statement runs only if it succeeded. A tenant runs at most
 * `maxTransactionsPerTenant` at once (TenantSlots): one tenant cannot take the whole pool.
 */
@Injectable()
export class TenantTransaction {
  private readonly slots: TenantSlots;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterPrisma<PrismaService>>,
    private readonly cls: ClsService,
    private readonly tenantContext: TenantContextService,
    private readonly tenantStatus: TenantStatusService,
    @Inject(DATABASE_OPTIONS) private readonly options: DatabaseOptions,
  ) {
    this.slots = new TenantSlots(options.maxTransactionsPerTenant);
  }

  /**
   * `exclusiveKey`: no two transactions may run with the same key at once (a message id: two
   * deliveries of one request). Taken as a transaction-scoped advisory lock in the same statement,
   * so it costs no round trip; a transaction that finds it taken throws InFlightError.
   */
  async run<T>(work: () => Promise<T>, { exclusiveKey }: { exclusiveKey?: string } = {}): Promise<T> {
    // Read before BEGIN: without a tenant no connection is even taken from the pool.
    const { tenantId } = this.tenantContext.require();
    const opening: TenantOpening = {
      tenantId,
      statementTimeout: `${this.options.statementTimeoutMs}ms`,
      lockTimeout: `${this.options.lockTimeoutMs}ms`,
      exclusiveKey,
    };
    // Waits here, before taking a connection, while the tenant is at its cap.
    const leave = await this.slots.enter(tenantId);
    try {
      return await openingAs(opening, () =>
        this.txHost.withTransaction(async () => {
          const tx = this.txHost.tx;
          this.cls.set(TENANT_BOUND_TX, { tx, tenantId } satisfies TenantBoundTx);
          await this.tenantStatus.assertActive(tx, tenantId);
          return work();
        }),
      );
    } catch (err) {
      // However Prisma wrapped the statement that found the lock taken.
      if (opening.lockTaken) throw new InFlightError();
      throw err;
    } finally {
      leave();
    }
  }

  /** The tenant's transactions running and waiting for a slot. */
  load(tenantId: string): { running: number; waiting: number } {
    return this.slots.load(tenantId);
  }
}

import { Global, Module } from '@nestjs/common';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import { ClsService } from 'nestjs-cls';
import { TenantContextService } from '@app/tenancy';
import { PrismaService } from './client/prisma.service';
import { DatabaseProbe } from './client/database-probe';
import { Inbox } from './client/inbox';
import { PoolMetrics } from './client/pool.metrics';
import { TenantSql } from './client/tenant-sql';
import { createTenantPrismaClient } from './client/tenant-prisma.client';
import { TenantStatusService } from './client/tenant-status.service';
import { TenantTransaction } from './client/tenant-transaction';
import { TENANT_PRISMA } from './client/tokens';
import { DATABASE_OPTIONS, DatabaseModuleBase, DatabaseOptions } from './database.options';
import { RuntimeSafetyCheck } from './safety/runtime-safety.service';

/** The nestjs-cls plugin that keeps the current transaction in CLS; register it in ClsModule.forRoot. */
export function transactionalClsPlugin(): ClsPluginTransactional {
  // PrismaService comes from the global DatabaseModule.
  return new ClsPluginTransactional({
    adapter: new TransactionalAdapterPrisma<PrismaService>({ prismaInjectionToken: PrismaService }),
  });
}

/**
 * The worker's database access, global: `DatabaseModule.forRootAsync({ inject, useFactory })` once,
 * then repositories inject TENANT_PRISMA (the only client they get) and the message pipeline runs
 * each message in TenantTransaction. Refuses to start when the runtime role could read across tenants.
 */
@Global()
@Module({
  providers: [
    {
      provide: PrismaService,
      inject: [DATABASE_OPTIONS],
      useFactory: (options: DatabaseOptions) => new PrismaService(options),
    },
    RuntimeSafetyCheck,
    TenantStatusService,
    TenantTransaction,
    Inbox,
    DatabaseProbe,
    TenantSql,
    PoolMetrics,
    {
      provide: TENANT_PRISMA,
      inject: [PrismaService, TransactionHost, ClsService, TenantContextService],
      useFactory: createTenantPrismaClient,
    },
  ],
  exports: [PrismaService, TenantTransaction, TENANT_PRISMA, Inbox, DatabaseProbe, TenantSql],
})
export class DatabaseModule extends DatabaseModuleBase {}

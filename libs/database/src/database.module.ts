import { Module } from '@nestjs/common';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import { ClsService } from 'nestjs-cls';
import { TenantContextService } from '@app/tenancy';
import { PrismaModule } from './client/prisma.module';
import { PrismaService } from './client/prisma.service';
import { createTenantPrismaClient } from './client/tenant-prisma.client';
import { TenantStatusService } from './client/tenant-status.service';
import { TenantTransaction } from './client/tenant-transaction';
import { TENANT_PRISMA } from './client/tokens';
import { ProjectsRepository } from './repositories/projects.repository';
import { RuntimeSafetyCheck } from './safety/runtime-safety.service';

/** The nestjs-cls plugin that keeps the current transaction in CLS; register it in ClsModule.forRoot. */
export function transactionalClsPlugin(): ClsPluginTransactional {
  return new ClsPluginTransactional({
    imports: [PrismaModule],
    adapter: new TransactionalAdapterPrisma<PrismaService>({ prismaInjectionToken: PrismaService }),
  });
}

@Module({
  imports: [PrismaModule],
  providers: [
    RuntimeSafetyCheck,
    TenantStatusService,
    TenantTransaction,
    {
      provide: TENANT_PRISMA,
      inject: [PrismaService, TransactionHost, ClsService, TenantContextService],
      useFactory: createTenantPrismaClient,
    },
    ProjectsRepository,
  ],
  exports: [TenantTransaction, ProjectsRepository],
})
export class DatabaseModule {}

import { ClsService } from 'nestjs-cls';
import { TenantContextMissingError } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import { PrismaService } from './prisma.service';
import { PrismaTxHost, requireTenantBoundTx } from './prisma-tx';
import { withTenantFilter } from './tenant-filter';

/**
 * A client whose every model operation runs inside the current tenant transaction, and which
 * refuses, before reaching the database, when there is none or it belongs to another tenant. On
 * tenant tables it also names the tenant in the statement itself (withTenantFilter), as a
 * distributed planner needs to route it: RLS stays the check, this is the routing.
 * The collaborators are captured by the closure: inside $allOperations `this` is not the client.
 */
export function createTenantPrismaClient(
  prisma: PrismaService,
  txHost: PrismaTxHost,
  cls: ClsService,
  tenantContext: TenantContextService,
) {
  return prisma.$extends({
    name: 'tenant-scope',
    query: {
      $allOperations({ model, operation, args }) {
        if (!model) {
          throw new TenantContextMissingError(`raw query ${operation} is not allowed on the tenant client`);
        }
        const { tx, tenantId } = requireTenantBoundTx(txHost, cls, tenantContext);
        const delegate = (tx as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[
          model.charAt(0).toLowerCase() + model.slice(1)
        ];
        return delegate[operation](
          withTenantFilter(model, operation, args as Record<string, unknown>, tenantId),
        );
      },
    },
  });
}

export type TenantPrismaClient = ReturnType<typeof createTenantPrismaClient>;

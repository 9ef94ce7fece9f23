import { AsyncLocalStorage } from 'node:async_hooks';
import { ClsService } from 'nestjs-cls';
import { TenantContextMissingError } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import { PrismaTx, PrismaTxHost, TENANT_BOUND_TX } from './prisma-tx';
import { sql, TenantSql } from './tenant-sql';

const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';

function setup() {
  const cls = new ClsService(new AsyncLocalStorage());
  const tenantContext = new TenantContextService(cls);
  const $queryRaw = jest.fn((_statement: unknown) => Promise.resolve([{ id: 'p1' }]));
  const tx = { $queryRaw } as unknown as PrismaTx;
  const txHost = { isTransactionActive: () => true, tx } as unknown as PrismaTxHost;
  const tenantSql = new TenantSql(txHost, cls, tenantContext);
  const within = <T>(tenantId: string | undefined, boundTo: string | undefined, body: () => Promise<T>) =>
    cls.run(() => {
      if (tenantId) tenantContext.set({ tenantId, userId: 'u', correlationId: 'c' });
      if (boundTo) cls.set(TENANT_BOUND_TX, { tx, tenantId: boundTo });
      return body();
    });
  return { tenantSql, within, $queryRaw };
}

describe(TenantSql.name, () => {
  const statement = sql`SELECT id FROM projects WHERE name = ${'Apollo'}`;

  it('should run a tagged statement, its values as parameters, on the tenant-bound transaction', async () => {
    const { tenantSql, within, $queryRaw } = setup();
    await expect(within(TENANT_A, TENANT_A, () => tenantSql.query(statement))).resolves.toEqual([
      { id: 'p1' },
    ]);
    expect(statement.values).toEqual(['Apollo']);
    expect($queryRaw).toHaveBeenCalledWith(statement);
  });

  it.each([
    ['no tenant', undefined, undefined],
    ['no bound transaction', TENANT_A, undefined],
    ["another tenant's transaction", TENANT_A, TENANT_B],
  ])('should refuse with %s, before the database', async (_case, tenantId, boundTo) => {
    const { tenantSql, within, $queryRaw } = setup();
    await expect(within(tenantId, boundTo, () => tenantSql.query(statement))).rejects.toBeInstanceOf(
      TenantContextMissingError,
    );
    expect($queryRaw).not.toHaveBeenCalled();
  });
});

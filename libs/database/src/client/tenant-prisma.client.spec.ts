import { AsyncLocalStorage } from 'node:async_hooks';
import { ClsService } from 'nestjs-cls';
import { TenantContextMissingError } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import type { PrismaService } from './prisma.service';
import { PrismaTx, PrismaTxHost, TENANT_BOUND_TX, TenantBoundTx } from './prisma-tx';
import { createTenantPrismaClient } from './tenant-prisma.client';

const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';

interface OperationParams {
  model?: string;
  operation: string;
  args: unknown;
  query: (args: unknown) => Promise<unknown>;
}
interface ExtensionDefinition {
  name: string;
  query: { $allOperations(params: OperationParams): unknown };
}

function fakeTx() {
  const projects = [{ id: 'p1', name: 'Apollo' }];
  const findMany = jest.fn((_args: unknown) => Promise.resolve(projects));
  const tx = { project: { findMany }, tenant: { findUnique: jest.fn() } } as unknown as PrismaTx;
  return { tx, findMany, projects };
}

function setup() {
  const cls = new ClsService(new AsyncLocalStorage());
  const tenantContext = new TenantContextService(cls);
  const txHost = { isTransactionActive: jest.fn(() => true), tx: undefined as PrismaTx | undefined };
  const $extends = jest.fn((definition: ExtensionDefinition) => definition);
  const prisma = { $extends } as unknown as PrismaService;

  createTenantPrismaClient(prisma, txHost as unknown as PrismaTxHost, cls, tenantContext);

  expect($extends).toHaveBeenCalledTimes(1);
  const definition = $extends.mock.calls[0][0];
  const query = jest.fn((_args: unknown) => Promise.resolve('ran outside the transaction'));
  // Promise.resolve().then(): a sync throw and a rejection are both a refusal before the database.
  const run = (params: Omit<OperationParams, 'query'>): Promise<unknown> =>
    Promise.resolve().then(() => definition.query.$allOperations({ ...params, query }));

  /** Runs `body` inside a CLS context, optionally with a tenant and a bound transaction. */
  function within<T>(
    options: { tenantId?: string; bound?: TenantBoundTx },
    body: () => Promise<T>,
  ): Promise<T> {
    return cls.run(() => {
      if (options.tenantId)
        tenantContext.set({ tenantId: options.tenantId, userId: 'u', correlationId: 'c' });
      if (options.bound) cls.set(TENANT_BOUND_TX, options.bound);
      return body();
    });
  }

  return { definition, txHost, query, run, within };
}

const findManyArgs = { where: { name: 'Apollo' }, take: 10 };

describe(createTenantPrismaClient.name, () => {
  it('should register one named query extension', () => {
    const { definition } = setup();

    expect(definition.name).toBe('tenant-scope');
    expect(typeof definition.query.$allOperations).toBe('function');
  });

  it('should route a model operation to the bound transaction and return its result', async () => {
    const { txHost, query, run, within } = setup();
    const { tx, findMany, projects } = fakeTx();
    txHost.tx = tx;

    const result = await within({ tenantId: TENANT_A, bound: { tx, tenantId: TENANT_A } }, () =>
      run({ model: 'Project', operation: 'findMany', args: findManyArgs }),
    );

    expect(result).toBe(projects);
    expect(findMany).toHaveBeenCalledTimes(1);
    // With the tenant named in the statement's own filter (withTenantFilter).
    expect(findMany).toHaveBeenCalledWith({ ...findManyArgs, where: { name: 'Apollo', tenantId: TENANT_A } });
    expect(query).not.toHaveBeenCalled();
  });

  it('should refuse when no tenant is in context, without touching the transaction', async () => {
    const { txHost, query, run, within } = setup();
    const { tx, findMany } = fakeTx();
    txHost.tx = tx;

    await expect(
      within({ bound: { tx, tenantId: TENANT_A } }, () =>
        run({ model: 'Project', operation: 'findMany', args: findManyArgs }),
      ),
    ).rejects.toThrow(new TenantContextMissingError());
    expect(findMany).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  it('should refuse outside any CLS context', async () => {
    const { txHost, query, run } = setup();
    const { tx, findMany } = fakeTx();
    txHost.tx = tx;

    await expect(run({ model: 'Project', operation: 'findMany', args: findManyArgs })).rejects.toThrow(
      TenantContextMissingError,
    );
    expect(findMany).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  it('should refuse a tenant with no bound transaction', async () => {
    const { txHost, query, run, within } = setup();
    const { tx, findMany } = fakeTx();
    txHost.tx = tx;

    await expect(
      within({ tenantId: TENANT_A }, () =>
        run({ model: 'Project', operation: 'findMany', args: findManyArgs }),
      ),
    ).rejects.toThrow(new TenantContextMissingError('not inside a tenant transaction'));
    expect(findMany).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  it('should refuse when the transaction host reports no active transaction', async () => {
    const { txHost, query, run, within } = setup();
    const { tx, findMany } = fakeTx();
    txHost.tx = tx;
    txHost.isTransactionActive.mockReturnValue(false);

    await expect(
      within({ tenantId: TENANT_A, bound: { tx, tenantId: TENANT_A } }, () =>
        run({ model: 'Project', operation: 'findMany', args: findManyArgs }),
      ),
    ).rejects.toThrow(new TenantContextMissingError('not inside a tenant transaction'));
    expect(findMany).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  it('should refuse a transaction bound to another tenant', async () => {
    const { txHost, query, run, within } = setup();
    const { tx, findMany } = fakeTx();
    txHost.tx = tx;

    await expect(
      within({ tenantId: TENANT_A, bound: { tx, tenantId: TENANT_B } }, () =>
        run({ model: 'Project', operation: 'findMany', args: findManyArgs }),
      ),
    ).rejects.toThrow(new TenantContextMissingError('the transaction belongs to another tenant'));
    expect(findMany).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  it('should refuse when the active transaction is not the bound one (e.g. a nested RequiresNew)', async () => {
    const { txHost, query, run, within } = setup();
    const bound = fakeTx();
    const nested = fakeTx();
    txHost.tx = nested.tx;

    await expect(
      within({ tenantId: TENANT_A, bound: { tx: bound.tx, tenantId: TENANT_A } }, () =>
        run({ model: 'Project', operation: 'findMany', args: findManyArgs }),
      ),
    ).rejects.toThrow(new TenantContextMissingError('not inside a tenant transaction'));
    expect(bound.findMany).not.toHaveBeenCalled();
    expect(nested.findMany).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  it('should refuse a raw operation even inside a valid tenant transaction', async () => {
    const { txHost, query, run, within } = setup();
    const { tx, findMany } = fakeTx();
    txHost.tx = tx;

    await expect(
      within({ tenantId: TENANT_A, bound: { tx, tenantId: TENANT_A } }, () =>
        run({ model: undefined, operation: '$queryRaw', args: ['SELECT 1'] }),
      ),
    ).rejects.toThrow(
      new TenantContextMissingError('raw query $queryRaw is not allowed on the tenant client'),
    );
    expect(findMany).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });
});

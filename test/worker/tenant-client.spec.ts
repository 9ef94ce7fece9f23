import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClsService } from 'nestjs-cls';
import { TenantTransaction } from '@app/database';
import { ProjectsRepository } from '@app/projects';
import { TenantContextMissingError, TenantForbiddenError } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import { closePools, createTenant, projectsOf } from '../support/database';
import { workerContext } from '../support/stack';

describe('The worker’s tenant-scoped database access', () => {
  let app: INestApplicationContext;
  let projects: ProjectsRepository;
  let tenantTx: TenantTransaction;
  let tenantContext: TenantContextService;
  let cls: ClsService;

  beforeAll(async () => {
    app = await workerContext();
    projects = app.get(ProjectsRepository);
    tenantTx = app.get(TenantTransaction);
    tenantContext = app.get(TenantContextService);
    cls = app.get(ClsService);
  });

  afterAll(async () => {
    await app.close();
    await closePools();
  });

  const as = <T>(tenantId: string, work: () => Promise<T>) =>
    cls.run(() => {
      tenantContext.set({ tenantId, userId: 'u', correlationId: 'c' });
      return work();
    });

  it('should write through the tenant transaction, with tenant_id filled by the database', async () => {
    const tenantId = await createTenant();
    const created = await as(tenantId, () => tenantTx.run(() => projects.create({ name: 'via-default' })));
    expect(created.tenantId).toBe(tenantId);
    expect((await projectsOf(tenantId)).map((p) => p.name)).toEqual(['via-default']);
  });

  it('should refuse to query with no tenant in context, before opening a transaction', async () => {
    const prisma = app.get(TransactionHost).tx as { $transaction: (...args: unknown[]) => unknown };
    const spy = jest.spyOn(prisma, '$transaction');
    try {
      await expect(projects.findPage({ take: 10 })).rejects.toBeInstanceOf(TenantContextMissingError);
      await expect(cls.run(() => tenantTx.run(() => projects.findPage({ take: 10 })))).rejects.toBeInstanceOf(
        TenantContextMissingError,
      );
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('should refuse a tenant in context without its transaction', async () => {
    const tenantId = await createTenant();
    await expect(as(tenantId, () => projects.findPage({ take: 10 }))).rejects.toThrow(
      'not inside a tenant transaction',
    );
  });

  it('should refuse a transaction that did not set the tenant', async () => {
    const tenantId = await createTenant();
    const txHost = app.get(TransactionHost);
    await expect(
      as(tenantId, () => txHost.withTransaction(() => projects.findPage({ take: 10 }))),
    ).rejects.toBeInstanceOf(TenantContextMissingError);
  });

  it('should refuse when the tenant in context changes inside the transaction', async () => {
    const [a, b] = [await createTenant(), await createTenant()];
    const attempt = as(a, () =>
      tenantTx.run(async () => {
        tenantContext.set({ tenantId: b, userId: 'u', correlationId: 'c' });
        return projects.create({ name: 'hijack' });
      }),
    );
    await expect(attempt).rejects.toThrow('belongs to another tenant');
    expect(await projectsOf(a)).toEqual([]);
    expect(await projectsOf(b)).toEqual([]);
  });

  it('should refuse unknown and suspended tenants with a domain error', async () => {
    const suspended = await createTenant({ status: 'suspended' });
    await expect(
      as(suspended, () => tenantTx.run(() => projects.findPage({ take: 1 }))),
    ).rejects.toBeInstanceOf(TenantForbiddenError);
    await expect(
      as(randomUUID(), () => tenantTx.run(() => projects.findPage({ take: 1 }))),
    ).rejects.toBeInstanceOf(TenantForbiddenError);
  });
});

describe('Worker start-up', () => {
  it('should refuse to start when DATABASE_URL is a superuser', async () => {
    const runtimeUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = process.env.DATABASE_ADMIN_URL;
    jest.resetModules();
    try {
      await expect(workerContext()).rejects.toThrow(
        /Refusing to start: the database does not isolate tenants:[\s\S]*superuser/,
      );
    } finally {
      process.env.DATABASE_URL = runtimeUrl;
    }
  });
});

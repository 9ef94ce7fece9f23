import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClsService } from 'nestjs-cls';
import { TenantTransaction } from '@app/database';
import { projectsWorkerSide, type ProjectsRepository } from '@app/projects';
import { InFlightError, TenantContextMissingError, TenantForbiddenError } from '@app/errors';
import { TenantContextService } from '@app/tenancy';
import { adminPool, closePools, createTenant, projectsOf } from '../support/database';
import { workerContext } from '../support/stack';
import { waitFor } from '../support/wait-for';

describe('The worker’s tenant-scoped database access', () => {
  let app: INestApplicationContext;
  let projects: ProjectsRepository;
  let tenantTx: TenantTransaction;
  let tenantContext: TenantContextService;
  let cls: ClsService;

  beforeAll(async () => {
    app = await workerContext();
    projects = app.get((await projectsWorkerSide()).ProjectsRepository);
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

  it("should run at most half the pool of one tenant's transactions at once, and never hold another tenant's", async () => {
    const [a, b] = await Promise.all([createTenant(), createTenant()]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let running = 0;
    let most = 0;
    const held = () =>
      as(a, () =>
        tenantTx.run(async () => {
          await projects.findPage({ take: 1 });
          most = Math.max(most, ++running);
          await gate;
          running--;
        }),
      );
    // DATABASE_POOL_SIZE 10: a tenant may hold 5 transactions; its 6th and 7th wait for its own.
    const all = Array.from({ length: 7 }, held);
    await waitFor(
      () => Promise.resolve(running === 5 && tenantTx.load(a).waiting === 2),
      5000,
      'five running',
    );
    expect(tenantTx.load(a)).toEqual({ running: 5, waiting: 2 });
    // Another tenant goes ahead meanwhile.
    await as(b, () => tenantTx.run(() => projects.create({ name: 'not held up' })));
    expect(running).toBe(5);
    release();
    await Promise.all(all);
    expect(most).toBe(5);
    expect(tenantTx.load(a)).toEqual({ running: 0, waiting: 0 });
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

  it('should refuse with InFlightError, and write nothing, while another transaction holds its key', async () => {
    const tenantId = await createTenant();
    // Its status cached, so that the create is the statement written with BEGIN and set_config.
    await as(tenantId, () => tenantTx.run(() => projects.findPage({ take: 1 })));
    const key = randomUUID();
    // The lock TenantTransaction takes for `exclusiveKey`, held by another session meanwhile.
    const holder = await (await adminPool()).connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      // The create is written in the packet that takes the lock: it must not stay.
      const attempt = as(tenantId, () =>
        tenantTx.run(() => projects.create({ name: 'twice' }), { exclusiveKey: key }),
      );
      await expect(attempt).rejects.toBeInstanceOf(InFlightError);
      expect(await projectsOf(tenantId)).toEqual([]);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    await as(tenantId, () => tenantTx.run(() => projects.create({ name: 'once' }), { exclusiveKey: key }));
    expect((await projectsOf(tenantId)).map((p) => p.name)).toEqual(['once']);
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

describe('A tenant transaction whose set_config fails', () => {
  // A statement timeout beyond PostgreSQL's range (0 .. 2^31-1 ms): the set_config that opens every
  // tenant transaction fails, in the same packet as BEGIN and the transaction's first statement.
  const timeout = process.env.DATABASE_STATEMENT_TIMEOUT_MS;
  let app: INestApplicationContext;

  beforeAll(async () => {
    process.env.DATABASE_STATEMENT_TIMEOUT_MS = '3000000000';
    jest.resetModules();
    app = await workerContext();
  });

  afterAll(async () => {
    await app?.close();
    await closePools();
    if (timeout === undefined) delete process.env.DATABASE_STATEMENT_TIMEOUT_MS;
    else process.env.DATABASE_STATEMENT_TIMEOUT_MS = timeout;
  });

  it('should fail with set_config’s error and write nothing', async () => {
    const tenantId = await createTenant();
    // The classes of the module registry the app was built from (reset above).
    const cls = app.get((await import('nestjs-cls')).ClsService);
    const tenantContext = app.get((await import('@app/tenancy')).TenantContextService);
    const tenantTx = app.get((await import('@app/database')).TenantTransaction);
    const projects = app.get((await projectsWorkerSide()).ProjectsRepository);
    const attempt = cls.run(() => {
      tenantContext.set({ tenantId, userId: 'u', correlationId: 'c' });
      return tenantTx.run(() => projects.create({ name: 'unset' }));
    });
    await expect(attempt).rejects.toThrow(/invalid value for parameter \\?"statement_timeout\\?"/);
    expect(await projectsOf(tenantId)).toEqual([]);
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

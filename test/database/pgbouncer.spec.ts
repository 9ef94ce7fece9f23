// PgBouncer in transaction mode in front of PostgreSQL: server connections are shared between
// clients transaction by transaction, so nothing a tenant transaction sets may outlive it. The
// worker's transactions set the tenant with set_config(..., true) and take their advisory lock per
// transaction, in one pipelined packet with BEGIN: all of it must hold through PgBouncer. Debian's
// pgbouncer (.ci/run installs it), started here on a free port with two server connections.
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { Pool } from 'pg';
import { TenantTransaction } from '@app/database';
import { InFlightError } from '@app/errors';
import { projectsWorkerSide } from '@app/projects';
import { TenantContextService } from '@app/tenancy';
import { freePort } from '../support/app-process';
import { adminPool, closePools, createTenant, projectsOf } from '../support/database';
import { workerContext } from '../support/stack';
import { readTestEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

// Debian's path, or whatever PATH finds; undefined when PgBouncer is not installed.
const BINARY =
  ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find(existsSync) ??
  (spawnSync('pgbouncer', ['--version']).error ? undefined : 'pgbouncer');

describe('The worker through PgBouncer in transaction mode', () => {
  let dir: string;
  let bouncer: ChildProcess;
  let app: INestApplicationContext;
  let bouncedUrl: string;
  let direct: Pool;

  beforeAll(async () => {
    // Said at once, rather than as a probe that times out against nothing.
    if (!BINARY)
      throw new Error("pgbouncer is not installed (Debian's package `pgbouncer`; .ci/run installs it)");
    const env = readTestEnv();
    const port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'tenantry-pgbouncer-'));
    writeFileSync(join(dir, 'userlist.txt'), '"tenantry_app" ""\n');
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=127.0.0.1 port=${new URL(env.runtimeUrl).port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        // Two server connections for every client: they are shared, transaction by transaction.
        'default_pool_size = 2',
        'max_client_conn = 100',
        'ignore_startup_parameters = extra_float_digits,options',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
      ].join('\n'),
    );
    // PgBouncer refuses to run as root: as root, run it as the postgres user.
    const asUser =
      process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', 'postgres']).toString()) : undefined;
    if (asUser !== undefined) {
      chmodSync(dir, 0o755);
      for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, file), asUser, asUser);
    }
    bouncer = spawn(BINARY, [join(dir, 'pgbouncer.ini')], {
      stdio: 'ignore',
      ...(asUser !== undefined && { uid: asUser, gid: asUser }),
    });
    const url = new URL(env.runtimeUrl);
    url.port = String(port);
    bouncedUrl = url.toString();
    const probe = new Pool({ connectionString: bouncedUrl, max: 1 });
    probe.on('error', () => undefined);
    try {
      await waitFor(
        () =>
          probe.query('SELECT 1').then(
            () => true,
            () => false,
          ),
        10_000,
        'pgbouncer answering',
      );
    } catch (error) {
      const log = existsSync(join(dir, 'pgbouncer.log'))
        ? readFileSync(join(dir, 'pgbouncer.log'), 'utf8')
        : '';
      throw new Error(`${String(error)}\n--- pgbouncer.log ---\n${log}`);
    } finally {
      await probe.end();
    }
    process.env.DATABASE_URL = bouncedUrl;
    app = await workerContext();
    // Like the worker's pool, but one connection: whatever server connection it is given has just
    // served a tenant transaction of the worker's.
    direct = new Pool({ connectionString: bouncedUrl, max: 1 });
  });

  afterAll(async () => {
    await app?.close();
    await direct?.end();
    await closePools();
    if (bouncer && bouncer.exitCode === null) {
      bouncer.kill('SIGTERM');
      await once(bouncer, 'close');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const as = <T>(tenantId: string, work: () => Promise<T>) => {
    const cls = app.get(ClsService);
    return cls.run(() => {
      app.get(TenantContextService).set({ tenantId, userId: 'u', correlationId: 'c' });
      return work();
    });
  };

  it("should keep each tenant's rows its own while two server connections serve both tenants", async () => {
    const [a, b] = await Promise.all([createTenant(), createTenant()]);
    const projects = app.get((await projectsWorkerSide()).ProjectsRepository);
    const tx = app.get(TenantTransaction);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const tenant = i % 2 ? b : a;
        return as(tenant, () => tx.run(() => projects.create({ name: `p-${i}` })));
      }),
    );
    // Through PgBouncer indeed: the worker's pool (10) had at most PgBouncer's two server connections.
    const { rows } = await (
      await adminPool()
    ).query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'tenantry_app'",
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
    expect(rows[0].n).toBeLessThanOrEqual(2);
    for (const [tenant, parity] of [
      [a, 0],
      [b, 1],
    ] as const) {
      const seen = await as(tenant, () => tx.run(() => projects.findPage({ take: 100 })));
      expect(seen.map((p) => p.tenantId)).toEqual(Array(20).fill(tenant));
      const stored = (await projectsOf(tenant)).map((p) => Number(p.name.slice(2)) % 2);
      expect(stored).toEqual(Array(20).fill(parity));
    }
  });

  it('should leave no tenant on a shared server connection once the transaction has ended', async () => {
    const tenant = await createTenant();
    const projects = app.get((await projectsWorkerSide()).ProjectsRepository);
    const tx = app.get(TenantTransaction);
    for (let i = 0; i < 10; i++) {
      await as(tenant, () => tx.run(() => projects.create({ name: `leak-${i}` })));
      // Outside any transaction of the worker's: no tenant set, so RLS shows nothing.
      const { rows } = await direct.query<{ tenant: string | null; visible: number }>(
        "SELECT current_setting('app.current_tenant_id', true) AS tenant, (SELECT count(*)::int FROM projects) AS visible",
      );
      expect([rows[0].tenant ?? '', rows[0].visible]).toEqual(['', 0]);
    }
    expect(await projectsOf(tenant)).toHaveLength(10);
  });

  it("should hold a transaction's advisory lock for that transaction only", async () => {
    const tenant = await createTenant();
    const tx = app.get(TenantTransaction);
    const projects = app.get((await projectsWorkerSide()).ProjectsRepository);
    const key = 'b1a1e3f0-0000-4000-8000-000000000001';
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const first = as(tenant, () =>
      tx.run(
        async () => {
          // The lock is taken with the transaction's first statement.
          await projects.create({ name: 'first' });
          holding();
          await gate;
        },
        { exclusiveKey: key },
      ),
    );
    await held;
    await expect(
      as(tenant, () => tx.run(() => projects.create({ name: 'second' }), { exclusiveKey: key })),
    ).rejects.toBeInstanceOf(InFlightError);
    release();
    await first;
    // The lock went with its transaction: the same key is free again on whichever connection.
    await as(tenant, () => tx.run(() => projects.create({ name: 'third' }), { exclusiveKey: key }));
    expect((await projectsOf(tenant)).map((p) => p.name).sort()).toEqual(['first', 'third']);
  });
});

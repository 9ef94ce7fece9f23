import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { migrate, MigrationError } from '../../libs/database-admin/src/migrate/migrator';
import { findRuntimeSafetyProblems } from '../../libs/database/src/safety/runtime-safety.check';
import {
  adminUrlFor,
  dropTestDatabase,
  MIGRATIONS_DIR,
  postgresUrl,
  readTestEnv,
  runtimeUrlFor,
  scratchDatabaseName,
} from '../support/test-env';

describe(migrate.name, () => {
  const env = readTestEnv();
  const scratchDatabases: string[] = [];
  const tempDirs: string[] = [];

  const scratchRoles: string[] = [];

  afterAll(async () => {
    await Promise.all(scratchDatabases.map((name) => dropTestDatabase(name)));
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    // After the databases: a role cannot be dropped while it holds rights in one.
    for (const role of scratchRoles) await queryAsAdmin(env.adminUrl, `DROP ROLE IF EXISTS ${role}`);
  });

  /** A role of this test's own (roles are cluster-wide: never alter one other runs share). */
  function scratchRole(label: string): string {
    const role = `tenantry_test_${label}_${randomBytes(3).toString('hex')}`;
    scratchRoles.push(role);
    return role;
  }

  /** A copy of the migrations with `extra` added after them, each `[name, sql]`. */
  async function migrationsWith(...extra: [string, string][]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'tenantry-migrations-'));
    tempDirs.push(dir);
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    for (const [name, sql] of extra) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'migration.sql'), sql);
    }
    return dir;
  }

  /** Runs as the given URL's role on a connection of its own, named `application`. */
  async function session(url: string, application: string): Promise<Client> {
    const client = new Client({ connectionString: url, application_name: application });
    await client.connect();
    return client;
  }

  /** Options for a brand-new database of this test's own (dropped in afterAll). */
  function scratch(label: string, migrationsDir = MIGRATIONS_DIR) {
    const database = scratchDatabaseName(env, label);
    scratchDatabases.push(database);
    return { adminUrl: adminUrlFor(database), runtimeUrl: runtimeUrlFor(database), migrationsDir };
  }

  async function queryAsAdmin<T extends object>(adminUrl: string, sql: string): Promise<T[]> {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  async function migrationNames(): Promise<string[]> {
    return (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  }

  it('should apply nothing when the database is up to date', async () => {
    const result = await migrate({
      adminUrl: env.adminUrl,
      runtimeUrl: env.runtimeUrl,
      migrationsDir: MIGRATIONS_DIR,
    });
    expect(result).toEqual({ applied: [] });
  });

  it('should apply each migration once when two runs race on a new database', async () => {
    const options = scratch('race');
    const [first, second] = await Promise.all([migrate(options), migrate(options)]);

    const names = await migrationNames();
    expect([...first.applied, ...second.applied].sort()).toEqual(names);
    const history = await queryAsAdmin<{ migration_name: string; checksum: string; done: boolean }>(
      options.adminUrl,
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS done FROM _prisma_migrations ORDER BY 1',
    );
    const checksums = await Promise.all(
      names.map(async (name) =>
        createHash('sha256')
          .update(await readFile(join(MIGRATIONS_DIR, name, 'migration.sql')))
          .digest('hex'),
      ),
    );
    expect(history).toEqual(
      names.map((name, i) => ({ migration_name: name, checksum: checksums[i], done: true })),
    );
  });

  it('should refuse to run when an applied migration was edited', async () => {
    const options = scratch('sum');
    await migrate(options);
    await queryAsAdmin(options.adminUrl, "UPDATE _prisma_migrations SET checksum = repeat('0', 64)");
    const rerun = migrate(options);
    await expect(rerun).rejects.toBeInstanceOf(MigrationError);
    await expect(rerun).rejects.toThrow(/was edited after it was applied/);
  });

  it('should refuse to run past a migration that failed earlier', async () => {
    const options = scratch('failed');
    await migrate(options);
    await queryAsAdmin(options.adminUrl, 'UPDATE _prisma_migrations SET finished_at = NULL');
    await expect(migrate(options)).rejects.toThrow(/failed in an earlier run/);
  });

  it('should run a no-transaction migration outside a transaction and roll back a failing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantry-migrations-'));
    tempDirs.push(dir);
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const addMigration = async (name: string, sql: string) => {
      await cp(join(MIGRATIONS_DIR, (await migrationNames())[0]), join(dir, name), { recursive: true });
      await writeFile(join(dir, name, 'migration.sql'), sql);
    };
    // CREATE INDEX CONCURRENTLY fails inside a transaction block, so success proves there was none.
    await addMigration(
      '99990000000000_concurrent_index',
      '-- tenantry:no-transaction\nCREATE INDEX CONCURRENTLY "projects_name_idx" ON "projects"("name");\n',
    );
    const options = scratch('notx', dir);
    const first = await migrate(options);
    expect(first.applied).toContain('99990000000000_concurrent_index');

    await addMigration('99990000000001_broken', 'CREATE TABLE "half_done" (id int);\nSELECT 1/0;\n');
    await expect(migrate(options)).rejects.toThrow(/99990000000001_broken failed.*division by zero/);
    const leftovers = await queryAsAdmin<{ history: number; table: string | null }>(
      options.adminUrl,
      `SELECT (SELECT count(*)::int FROM _prisma_migrations WHERE migration_name LIKE '%broken') AS history,
              to_regclass('half_done')::text AS table`,
    );
    expect(leftovers).toEqual([{ history: 0, table: null }]);
  });

  it('should refuse a runtime URL that logs in as the admin role', async () => {
    const options = scratch('same');
    await expect(migrate({ ...options, runtimeUrl: options.adminUrl })).rejects.toThrow(/same role/);
  });

  /** Who owns each object in schema public (relations, enum types, routines). */
  async function ownersInPublic(adminUrl: string): Promise<{ object: string; owner: string }[]> {
    return queryAsAdmin(
      adminUrl,
      `SELECT c.relname AS object, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
       UNION ALL
       SELECT t.typname, pg_get_userbyid(t.typowner) FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'
       UNION ALL
       SELECT p.proname, pg_get_userbyid(p.proowner) FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
       ORDER BY 1`,
    );
  }

  describe('the owner role', () => {
    it('should own everything the migrations create, and be bound by row-level security itself', async () => {
      const dir = await migrationsWith([
        '99990000000000_definer',
        `CREATE FUNCTION project_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS 'SELECT count(*) FROM projects';
         CREATE VIEW project_names WITH (security_invoker) AS SELECT name FROM projects;`,
      ]);
      const options = scratch('owner', dir);
      await migrate(options);

      const owners = await ownersInPublic(options.adminUrl);
      expect(owners.map((o) => o.object)).toEqual(
        expect.arrayContaining([
          '_prisma_migrations',
          'projects',
          'tenants',
          'tenant_status',
          'project_count',
        ]),
      );
      expect(owners.filter((o) => o.owner !== 'tenantry_owner')).toEqual([]);
      const role = await queryAsAdmin(
        options.adminUrl,
        `SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb
           FROM pg_roles WHERE rolname = 'tenantry_owner'`,
      );
      expect(role).toEqual([
        {
          rolcanlogin: false,
          rolsuper: false,
          rolbypassrls: false,
          rolcreaterole: false,
          rolcreatedb: false,
        },
      ]);
    });

    it('should hand a database migrated the old way to the owner once, and leave its history as it was', async () => {
      const options = scratch('legacy');
      const database = new URL(options.adminUrl).pathname.slice(1);
      // What the migrator did before the owner role: every migration applied by the admin itself.
      await queryAsAdmin(adminUrlFor('postgres'), `CREATE DATABASE ${escapeIdentifier(database)}`);
      const admin = await session(options.adminUrl, 'old-migrator');
      try {
        await admin.query(
          `CREATE TABLE "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL,
             "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
             "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
        );
        for (const name of await migrationNames()) {
          const bytes = await readFile(join(MIGRATIONS_DIR, name, 'migration.sql'));
          await admin.query('BEGIN');
          await admin.query(bytes.toString('utf8'));
          await admin.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), 1)`,
            [randomUUID(), createHash('sha256').update(bytes).digest('hex'), name],
          );
          await admin.query('COMMIT');
        }
      } finally {
        await admin.end();
      }
      const history = 'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1';
      const before = await queryAsAdmin(options.adminUrl, history);
      expect((await ownersInPublic(options.adminUrl)).every((o) => o.owner === 'postgres')).toBe(true);

      const lines: string[] = [];
      expect(await migrate({ ...options, log: (line) => lines.push(line) })).toEqual({ applied: [] });
      expect(lines).toEqual([
        expect.stringMatching(
          /^Handed \d+ object\(s\) in schema public to tenantry_owner: .*projects.*tenants/,
        ),
      ]);
      expect((await ownersInPublic(options.adminUrl)).filter((o) => o.owner !== 'tenantry_owner')).toEqual(
        [],
      );
      expect(await queryAsAdmin(options.adminUrl, history)).toEqual(before);

      const again: string[] = [];
      expect(await migrate({ ...options, log: (line) => again.push(line) })).toEqual({ applied: [] });
      expect(again).toEqual([]);
      const runtime = await session(options.runtimeUrl, 'check');
      try {
        expect(await findRuntimeSafetyProblems(runtime)).toEqual([]);
      } finally {
        await runtime.end();
      }
    });
  });

  describe('waiting for locks', () => {
    it('should give up on a migration lock the runtime role holds, naming its session', async () => {
      const options = scratch('held');
      await migrate(options);
      // Any role that may connect may take an advisory lock.
      const squatter = await session(options.runtimeUrl, 'squatter');
      try {
        await squatter.query('SELECT pg_advisory_lock(72707369)');
        const pid = (await squatter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        const started = Date.now();
        const run = migrate({ ...options, lockWaitMs: 300 });
        await expect(run).rejects.toBeInstanceOf(MigrationError);
        await expect(run).rejects.toThrow(
          `Waited 300 ms (MIGRATION_LOCK_WAIT_MS) for the migration lock (advisory lock 72707369) and pid ${pid} (role "tenantry_app", application "squatter") holds it.`,
        );
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await squatter.end();
      }
      expect(await migrate(options)).toEqual({ applied: [] });
    });

    it('should stop a migration whose table another session keeps locked, and apply it once that ends', async () => {
      const dir = await migrationsWith([
        '99990000000000_note',
        'ALTER TABLE projects ADD COLUMN note text;\n',
      ]);
      const options = scratch('ddl', dir);
      await migrate({ ...options, migrationsDir: MIGRATIONS_DIR });
      // The runtime role may lock the tables it writes, and hold the lock as long as it likes.
      const holder = await session(options.runtimeUrl, 'holder');
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE projects IN ROW EXCLUSIVE MODE');
        const run = migrate({ ...options, lockTimeoutMs: 300 });
        await expect(run).rejects.toThrow(
          /^Migration 99990000000000_note failed: canceling statement due to lock timeout \(it ran in a transaction, so none of it was applied\); another session held a lock it needed for more than 300 ms \(MIGRATION_LOCK_TIMEOUT_MS\)/,
        );
      } finally {
        await holder.end();
      }
      expect(await migrate(options)).toEqual({ applied: ['99990000000000_note'] });
    });
  });

  describe('the runtime role', () => {
    it('should revoke every membership it did not grant, one log line each', async () => {
      const user = scratchRole('app');
      const bypass = scratchRole('bypass');
      const plain = scratchRole('plain');
      const base = scratch('members');
      const options = {
        ...base,
        runtimeUrl: postgresUrl(user, 'pw', new URL(base.adminUrl).pathname.slice(1)),
      };
      await migrate(options);
      // A BYPASSRLS role and a predefined one to the login role; a harmless role to the shared
      // group, which every run's login role inherits (so nothing that matters to them).
      await queryAsAdmin(
        options.adminUrl,
        `CREATE ROLE ${bypass} NOLOGIN BYPASSRLS; CREATE ROLE ${plain} NOLOGIN;
         GRANT ${bypass}, pg_read_all_data TO ${user}; GRANT ${plain} TO tenantry_runtime`,
      );
      const lines: string[] = [];
      await migrate({ ...options, log: (line) => lines.push(line) });
      expect(lines.sort()).toEqual(
        [
          `Revoked the membership of ${user} in ${bypass}: db:migrate grants ${user} only tenantry_runtime`,
          `Revoked the membership of ${user} in pg_read_all_data: db:migrate grants ${user} only tenantry_runtime`,
          `Revoked the membership of tenantry_runtime in ${plain}: db:migrate grants ${user} only tenantry_runtime`,
        ].sort(),
      );
      const left = await queryAsAdmin(
        options.adminUrl,
        `SELECT roleid::regrole::text AS role FROM pg_auth_members
          WHERE member = '${user}'::regrole OR member = 'tenantry_runtime'::regrole`,
      );
      expect(left).toEqual([{ role: 'tenantry_runtime' }]);
    });
  });
});

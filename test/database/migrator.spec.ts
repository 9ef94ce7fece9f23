import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrate, MigrationError } from '../../libs/database-admin/src/migrate/migrator';
import {
  adminUrlFor,
  dropTestDatabase,
  MIGRATIONS_DIR,
  readTestEnv,
  runtimeUrlFor,
  scratchDatabaseName,
} from '../support/test-env';

describe(migrate.name, () => {
  const env = readTestEnv();
  const scratchDatabases: string[] = [];
  const tempDirs: string[] = [];

  afterAll(async () => {
    await Promise.all(scratchDatabases.map((name) => dropTestDatabase(name)));
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

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
});

import { Client, DatabaseError, escapeIdentifier } from 'pg';
import { applyPending } from './apply-migrations';
import { parseConnectionUrl, withDatabase } from './connection-url';
import { readMigrationFiles } from './migration-files';
import { MigrationError } from './migration.error';
import { ensureRuntimeRole } from './runtime-role';

export { MigrationError } from './migration.error';

// The key `prisma migrate` itself locks, so this migrator and `prisma migrate deploy` never
// interleave either. Advisory locks are per database: runs on other databases do not wait.
const MIGRATION_LOCK_KEY = 72707369;

export interface MigrateOptions {
  /** The owner role's URL; its database is created if missing. */
  adminUrl: string;
  /** The apps' URL; its role is created or reset to exactly the runtime rights. */
  runtimeUrl: string;
  /** Holds `<name>/migration.sql` folders, as `prisma/migrations` does. */
  migrationsDir: string;
  log?: (line: string) => void;
}

/**
 * Creates the database if missing, applies pending migrations once each (safe to run from several
 * processes at once), then sets up the runtime login role. Throws MigrationError for anything an
 * operator must fix.
 */
export async function migrate(options: MigrateOptions): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => undefined);
  const admin = parseConnectionUrl(options.adminUrl, 'DATABASE_ADMIN_URL');
  const runtime = parseConnectionUrl(options.runtimeUrl, 'DATABASE_URL');
  if (!runtime.user || !runtime.password) {
    throw new MigrationError('DATABASE_URL must name the runtime role and its password.');
  }
  if (runtime.database !== admin.database) {
    throw new MigrationError(
      `DATABASE_URL names database "${runtime.database}" but DATABASE_ADMIN_URL names "${admin.database}"; both must be the same database.`,
    );
  }
  const files = await readMigrationFiles(options.migrationsDir);
  await ensureDatabase(options.adminUrl, admin.database, log);

  // A dedicated connection holds the lock so nothing the migrations do to their session affects it.
  const lock = await connect(options.adminUrl, 'tenantry-migrate-lock');
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const client = await connect(options.adminUrl, 'tenantry-migrate');
    try {
      const applied = await applyPending(client, files, log);
      await ensureRuntimeRole(client, runtime);
      return { applied };
    } finally {
      await client.end();
    }
  } finally {
    // Ending the session would release it too; unlocking first keeps the intent explicit.
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

async function connect(url: string, applicationName: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  // A dropped connection also fails the pending query; without a listener it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function ensureDatabase(
  adminUrl: string,
  database: string,
  log: (line: string) => void,
): Promise<void> {
  const exists = await connect(adminUrl, 'tenantry-migrate').then(
    (client) => client.end().then(() => true),
    (error: unknown) => {
      if (isPgError(error, '3D000')) return false; // invalid_catalog_name: no such database
      throw error;
    },
  );
  if (exists) return;
  const maintenance = await connect(withDatabase(adminUrl, 'postgres'), 'tenantry-migrate');
  try {
    await maintenance.query(`CREATE DATABASE ${escapeIdentifier(database)}`);
    log(`Created database ${database}`);
  } catch (error) {
    // A concurrent creator wins either as duplicate_database or, mid-commit, on pg_database's index.
    if (!isPgError(error, '42P04') && !isPgError(error, '23505')) throw error;
  } finally {
    await maintenance.end();
  }
}

function isPgError(error: unknown, code: string): boolean {
  return error instanceof DatabaseError && error.code === code;
}

import { Client, DatabaseError, escapeIdentifier } from 'pg';
import { applyPending } from './apply-migrations';
import { parseConnectionUrl, withDatabase } from './connection-url';
import { readMigrationFiles } from './migration-files';
import { isLockTimeout, lockTimeoutAdvice, MIGRATION_LOCK_KEY, takeMigrationLock } from './migration-lock';
import { MigrationError } from './migration.error';
import {
  ensureOwnerRole,
  handOverOwnership,
  MIGRATIONS_RUN_AS_ADMIN,
  OWNER_ROLE,
  readAdminRole,
} from './owner-role';
import { inRoleTransaction } from './role-transaction';
import { ensureRuntimeRole } from './runtime-role';

export { MigrationError } from './migration.error';

/** How long a run waits for another run's migration lock before it gives up. */
export const DEFAULT_LOCK_WAIT_MS = 60_000;
/** lock_timeout of every statement the migrator runs, migrations included. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export interface MigrateOptions {
  /** The admin role's URL; its database is created if missing. */
  adminUrl: string;
  /** The apps' URL; its role is created or reset to exactly the runtime rights. */
  runtimeUrl: string;
  /** Holds `<name>/migration.sql` folders, as `prisma/migrations` does. */
  migrationsDir: string;
  log?: (line: string) => void;
  /** At most this long waiting for the migration lock (default DEFAULT_LOCK_WAIT_MS). */
  lockWaitMs?: number;
  /** lock_timeout of each statement, so DDL behind a long transaction fails instead of hanging. */
  lockTimeoutMs?: number;
}

/**
 * Creates the database if missing, applies pending migrations once each as the owner role (safe
 * to run from several processes at once), then sets up the runtime login role. Throws
 * MigrationError for anything an operator must fix.
 */
export async function migrate(options: MigrateOptions): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => undefined);
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
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
    await takeMigrationLock(lock, options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
    const client = await connect(options.adminUrl, 'tenantry-migrate');
    try {
      await client.query("SELECT set_config('lock_timeout', $1, false)", [String(lockTimeoutMs)]);
      const self = await readAdminRole(client);
      await ensureOwnerRole(client, self);
      // Databases migrated before the owner role existed: their objects belong to the admin.
      await inRoleTransaction(client, () => handOverOwnership(client, log));
      const applied = await applyPending(client, files, {
        log,
        ownerRole: OWNER_ROLE,
        runAsAdmin: MIGRATIONS_RUN_AS_ADMIN,
        handOver: () => handOverOwnership(client, log),
        lockTimeoutMs,
      });
      await ensureRuntimeRole(client, runtime, log);
      return { applied };
    } catch (error) {
      if (!isLockTimeout(error)) throw error;
      throw new MigrationError(`db:migrate stopped: ${lockTimeoutAdvice(lockTimeoutMs)}.`, { cause: error });
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

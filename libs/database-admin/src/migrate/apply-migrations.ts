import { randomUUID } from 'node:crypto';
import { Client, DatabaseError, escapeIdentifier } from 'pg';
import { MigrationFile } from './migration-files';
import { MigrationError } from './migration.error';
import { isLockTimeout, lockTimeoutAdvice } from './migration-lock';

// Same DDL as Prisma's, so `prisma migrate status/deploy` reads our history as its own.
const CREATE_HISTORY_TABLE = `
  CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`;

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

export interface ApplyOptions {
  log: (line: string) => void;
  /** The role the migrations run as (SET ROLE), so that it owns what they create. */
  ownerRole: string;
  /** Names of the migrations that run as the session's own role instead. */
  runAsAdmin: ReadonlySet<string>;
  /** Runs inside an admin migration's transaction, after it: gives the owner what it created. */
  handOver: () => Promise<void>;
  /** The lock_timeout set on the session, for the message when a statement exceeds it. */
  lockTimeoutMs: number;
}

/** Applies the files not yet in _prisma_migrations, in order; returns their names. */
export async function applyPending(
  client: Client,
  files: MigrationFile[],
  options: ApplyOptions,
): Promise<string[]> {
  // The owner runs everything here, history included; an admin migration steps out per transaction.
  await client.query(`SET ROLE ${escapeIdentifier(options.ownerRole)}`);
  try {
    return await applyAsOwner(client, files, options);
  } finally {
    await client.query('RESET ROLE').catch(() => undefined);
  }
}

async function applyAsOwner(
  client: Client,
  files: MigrationFile[],
  options: ApplyOptions,
): Promise<string[]> {
  await client.query(CREATE_HISTORY_TABLE);
  const history = await client.query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
      WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  const failed = history.rows.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed in an earlier run and may be partly applied. Repair the database by hand, then run \`prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied) and migrate again.`,
    );
  }
  const appliedChecksums = new Map(history.rows.map((row) => [row.migration_name, row.checksum]));
  for (const file of files) {
    const checksum = appliedChecksums.get(file.name);
    if (checksum !== undefined && checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was edited after it was applied (checksum ${checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). Restore the applied file and put the change in a new migration.`,
      );
    }
  }

  const applied: string[] = [];
  for (const file of files.filter((f) => !appliedChecksums.has(f.name))) {
    const started = Date.now();
    await (file.transactional
      ? applyInTransaction(client, file, options)
      : applyWithoutTransaction(client, file, options));
    options.log(`Applied migration ${file.name} (${Date.now() - started} ms)`);
    applied.push(file.name);
  }
  return applied;
}

/** The migration, its history row and (for an admin migration) the handover commit together. */
async function applyInTransaction(client: Client, file: MigrationFile, options: ApplyOptions): Promise<void> {
  const asAdmin = options.runAsAdmin.has(file.name);
  try {
    await client.query('BEGIN');
    // Back to the session's own role until COMMIT, when the owner role returns by itself.
    if (asAdmin) await client.query('SET LOCAL ROLE NONE');
    const id = await recordStart(client, file);
    await client.query(file.sql);
    if (asAdmin) await options.handOver();
    await recordFinish(client, id);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw failure(file, error, 'it ran in a transaction, so none of it was applied', options);
  }
}

/**
 * For statements such as CREATE INDEX CONCURRENTLY. The row is written first so that a failure or
 * a crash half way leaves a visible failed migration instead of being silently retried.
 */
async function applyWithoutTransaction(
  client: Client,
  file: MigrationFile,
  options: ApplyOptions,
): Promise<void> {
  if (options.runAsAdmin.has(file.name)) {
    throw new MigrationError(`Migration ${file.name} must run as the admin, which needs a transaction.`);
  }
  const id = await recordStart(client, file);
  try {
    // One simple query; several statements in it would form an implicit transaction and fail.
    await client.query(file.sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await client
      .query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, message])
      .catch(() => undefined);
    throw failure(
      file,
      error,
      'it ran outside a transaction and is recorded as failed; check what it left behind',
      options,
    );
  }
  await recordFinish(client, id);
}

async function recordStart(client: Client, file: MigrationFile): Promise<string> {
  const id = randomUUID();
  await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, $3)', [
    id,
    file.checksum,
    file.name,
  ]);
  return id;
}

async function recordFinish(client: Client, id: string): Promise<void> {
  await client.query(
    'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
    [id],
  );
}

function failure(
  file: MigrationFile,
  error: unknown,
  consequence: string,
  options: ApplyOptions,
): MigrationError {
  const reason = error instanceof Error ? error.message : String(error);
  const where = error instanceof DatabaseError && error.position ? ` at character ${error.position}` : '';
  const advice = isLockTimeout(error) ? `; ${lockTimeoutAdvice(options.lockTimeoutMs)}` : '';
  return new MigrationError(`Migration ${file.name} failed${where}: ${reason} (${consequence})${advice}.`, {
    cause: error,
  });
}

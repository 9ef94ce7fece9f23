import { randomUUID } from 'node:crypto';
import { Client, DatabaseError } from 'pg';
import { MigrationFile } from './migration-files';
import { MigrationError } from './migration.error';

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

/** Applies the files not yet in _prisma_migrations, in order; returns their names. */
export async function applyPending(
  client: Client,
  files: MigrationFile[],
  log: (line: string) => void,
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
    await (file.transactional ? applyInTransaction(client, file) : applyWithoutTransaction(client, file));
    log(`Applied migration ${file.name} (${Date.now() - started} ms)`);
    applied.push(file.name);
  }
  return applied;
}

/** The migration and its history row commit together or not at all. */
async function applyInTransaction(client: Client, file: MigrationFile): Promise<void> {
  try {
    await client.query('BEGIN');
    const id = await recordStart(client, file);
    await client.query(file.sql);
    await recordFinish(client, id);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw failure(file, error, 'it ran in a transaction, so none of it was applied');
  }
}

/**
 * For statements such as CREATE INDEX CONCURRENTLY. The row is written first so that a failure or
 * a crash half way leaves a visible failed migration instead of being silently retried.
 */
async function applyWithoutTransaction(client: Client, file: MigrationFile): Promise<void> {
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

function failure(file: MigrationFile, error: unknown, consequence: string): MigrationError {
  const reason = error instanceof Error ? error.message : String(error);
  const where = error instanceof DatabaseError && error.position ? ` at character ${error.position}` : '';
  return new MigrationError(`Migration ${file.name} failed${where}: ${reason} (${consequence}).`, {
    cause: error,
  });
}

import { Client, DatabaseError } from 'pg';
import { MigrationError } from './migration.error';

// The key `prisma migrate` itself locks, so this migrator and `prisma migrate deploy` never
// interleave either. Advisory locks are per database: runs on other databases do not wait.
// Any role that may connect can take it too (the runtime role included), so the wait is bounded:
// PostgreSQL applies lock_timeout to advisory locks as to any other heavyweight lock. A lock only
// the owner could take would not make the migrator unblockable anyway: the runtime role can hold
// locks on the tenant tables it writes, which the migrations' DDL must wait for just the same.
export const MIGRATION_LOCK_KEY = 72707369;

const LOCK_NOT_AVAILABLE = '55P03';

interface Holder {
  pid: number;
  role: string | null;
  application: string | null;
}

// A bigint key is stored as classid (high half), objid (low half) and objsubid 1.
const HOLDERS = `
  SELECT a.pid, a.usename AS role, a.application_name AS application
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * Takes the migration lock on `lock`'s session, waiting at most waitMs; then fails with a message
 * naming the session that holds it and what to do about it.
 */
export async function takeMigrationLock(lock: Client, waitMs: number): Promise<void> {
  await lock.query("SELECT set_config('lock_timeout', $1, false)", [String(waitMs)]);
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    if (!isLockTimeout(error)) throw error;
    const holders = (await lock.query<Holder>(HOLDERS, [MIGRATION_LOCK_KEY])).rows;
    throw new MigrationError(
      `Waited ${waitMs} ms (MIGRATION_LOCK_WAIT_MS) for the migration lock (advisory lock ${MIGRATION_LOCK_KEY}) and ${describe(holders)}`,
      { cause: error },
    );
  } finally {
    await lock.query('RESET lock_timeout').catch(() => undefined);
  }
}

function describe(holders: Holder[]): string {
  if (holders.length === 0) return 'it has been released since; run db:migrate again.';
  // Role and application names are whatever the holder chose: quoted, so they cannot forge lines.
  const who = holders
    .map((h) => `pid ${h.pid} (role ${JSON.stringify(h.role)}, application ${JSON.stringify(h.application)})`)
    .join(', ');
  const pid = holders[0].pid;
  return `${who} holds it. If that is another db:migrate or prisma migrate, let it finish and run db:migrate again; otherwise end that session (SELECT pg_terminate_backend(${pid})) and run db:migrate again.`;
}

/** What to tell an operator when a migration statement waited longer than lock_timeout. */
export function lockTimeoutAdvice(timeoutMs: number): string {
  return `another session held a lock it needed for more than ${timeoutMs} ms (MIGRATION_LOCK_TIMEOUT_MS), such as a long transaction on the same table: find it in pg_stat_activity, let it finish or end it, and run db:migrate again`;
}

export function isLockTimeout(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === LOCK_NOT_AVAILABLE;
}

import { Client, DatabaseError } from 'pg';

// Roles are cluster-global, so runs against other databases (parallel test runs) can race us on
// the same pg_authid/pg_auth_members rows; PostgreSQL reports that with these codes. Retrying
// the whole transaction is safe because every statement in it is idempotent.
const RACE_CODES = new Set(['40001', '40P01', 'XX000', '23505', '42710']);
const ATTEMPTS = 6;

/** Runs fn in a transaction, again from the start when another run raced it on a shared role. */
export async function inRoleTransaction<T>(admin: Client, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query('BEGIN');
      const result = await fn();
      await admin.query('COMMIT');
      return result;
    } catch (error) {
      await admin.query('ROLLBACK').catch(() => undefined);
      const racing = error instanceof DatabaseError && RACE_CODES.has(error.code ?? '');
      if (!racing || attempt === ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 50 + Math.random() * 50));
    }
  }
}

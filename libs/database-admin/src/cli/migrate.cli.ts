// `npm run db:migrate`: applies prisma/migrations as the owner, sets up the runtime role, then
// proves, logged in as that role, that it cannot see across tenants.
import { join } from 'node:path';
import { Client, DatabaseError } from 'pg';
import { adminEnvSchema, InvalidConfigError, parseEnv } from '@app/config';
import { migrate, MigrationError } from '../migrate/migrator';
import { assertRuntimeSafety, UnsafeDatabaseError } from '@app/database';

async function main(): Promise<void> {
  const env = parseEnv(adminEnvSchema, process.env);
  const { applied } = await migrate({
    adminUrl: env.DATABASE_ADMIN_URL,
    runtimeUrl: env.DATABASE_URL,
    migrationsDir: join(process.cwd(), 'prisma', 'migrations'),
    log: (line) => process.stdout.write(`${line}\n`),
    lockWaitMs: env.MIGRATION_LOCK_WAIT_MS,
    lockTimeoutMs: env.MIGRATION_LOCK_TIMEOUT_MS,
  });
  const runtime = new Client({
    connectionString: env.DATABASE_URL,
    application_name: 'tenantry-migrate-check',
  });
  await runtime.connect();
  try {
    await assertRuntimeSafety(runtime);
  } finally {
    await runtime.end();
  }
  const summary = applied.length === 0 ? 'No pending migrations' : `Applied ${applied.length} migration(s)`;
  process.stdout.write(`${summary}; the runtime role is isolated by row-level security.\n`);
}

// Errors an operator can act on get their message only; anything else keeps its stack.
function explain(error: unknown): string {
  if (
    error instanceof InvalidConfigError ||
    error instanceof MigrationError ||
    error instanceof UnsafeDatabaseError
  ) {
    return error.message;
  }
  // Server errors (DatabaseError) and connection failures (ECONNREFUSED, ENOTFOUND, ...) carry a
  // code; Node's AggregateError for a refused `localhost` has only the code, not a message.
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string') {
    return error instanceof DatabaseError
      ? error.message
      : `${error.message || code} (is PostgreSQL running and the URL right?)`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main().catch((error: unknown) => {
  process.stderr.write(`Database migration failed. ${explain(error)}\n`);
  process.exitCode = 1;
});

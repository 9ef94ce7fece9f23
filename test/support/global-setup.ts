import { migrate } from '../../libs/database-admin/src/migrate/migrator';
import { buildTestEnv, dropTestDatabase, MIGRATIONS_DIR, newRunId, readTestEnv } from './test-env';

/** Gives this run its own database (migrated, runtime role in place) and its own queue prefix. */
export default async function globalSetup(): Promise<void> {
  Object.assign(process.env, buildTestEnv(newRunId()));
  const env = readTestEnv();
  try {
    await migrate({ adminUrl: env.adminUrl, runtimeUrl: env.runtimeUrl, migrationsDir: MIGRATIONS_DIR });
  } catch (error) {
    // globalTeardown does not run when globalSetup throws, so clean up here.
    await dropTestDatabase(env.database).catch(() => undefined);
    throw error;
  }
}

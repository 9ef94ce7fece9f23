// The one place the integration run's environment is defined. globalSetup writes it into
// process.env (which the test workers and globalTeardown inherit); specs read it back here.
// Relative imports only: jest loads globalSetup without the @app/* module mapper.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client, escapeIdentifier } from 'pg';

const PG_HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';
const PG_PORT = process.env.TEST_PG_PORT ?? '5432';

/** The role the apps log in as; the migrator creates it, the specs connect as it. */
export const RUNTIME_ROLE = 'tenantry_app';
const RUNTIME_PASSWORD = 'tenantry_app';
const ADMIN_ROLE = 'postgres';
const ADMIN_PASSWORD = 'postgres';
const TEST_JWT_SECRET = 'tenantry-integration-tests-only-secret-0123456789';
const TEST_MESSAGE_SIGNING_KEY = 'tenantry-integration-tests-only-message-key-0123456789';
const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'prisma', 'migrations');

export interface TestEnv {
  database: string;
  runtimeUrl: string;
  adminUrl: string;
  amqpUrl: string;
  queuePrefix: string;
}

export function postgresUrl(user: string, password: string, database: string): string {
  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  return `postgresql://${credentials}@${PG_HOST}:${PG_PORT}/${encodeURIComponent(database)}`;
}

export function adminUrlFor(database: string): string {
  return postgresUrl(ADMIN_ROLE, ADMIN_PASSWORD, database);
}

export function runtimeUrlFor(database: string): string {
  return postgresUrl(RUNTIME_ROLE, RUNTIME_PASSWORD, database);
}

/** Tests create and drop databases: never let them near one not named as a test database. */
export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name))
    throw new Error(`Refusing to touch database "${name}": its name does not contain "test".`);
}

/** The variables globalSetup exports for one run; every run gets its own database and queues. */
export function buildTestEnv(runId: string): Record<string, string> {
  const database = `tenantry_test_${runId}`;
  assertTestDatabaseName(database);
  return {
    NODE_ENV: 'test',
    DATABASE_URL: runtimeUrlFor(database),
    DATABASE_ADMIN_URL: adminUrlFor(database),
    QUEUE_PREFIX: `tenantry-test-${runId}.`,
    AMQP_URL: process.env.AMQP_URL || DEFAULT_AMQP_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    MESSAGE_SIGNING_KEY: TEST_MESSAGE_SIGNING_KEY,
    // Any free port: several workers (in-process and spawned) and parallel runs share the machine.
    WORKER_HTTP_PORT: '0',
    // Per-tenant limits off: the hostile suite sends hundreds of requests a second as one tenant.
    // test/e2e/rate-limits.e2e.spec.ts turns them on for itself.
    RATE_LIMIT_RPS: '0',
  };
}

export function newRunId(): string {
  return `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** What globalSetup exported; throws when the suite was started without it. */
export function readTestEnv(): TestEnv {
  const { DATABASE_URL, DATABASE_ADMIN_URL, AMQP_URL, QUEUE_PREFIX } = process.env;
  if (!DATABASE_URL || !DATABASE_ADMIN_URL || !AMQP_URL || QUEUE_PREFIX === undefined) {
    throw new Error(
      'The integration environment is not set; run these tests through jest --selectProjects integration.',
    );
  }
  const database = decodeURIComponent(new URL(DATABASE_ADMIN_URL).pathname.slice(1));
  assertTestDatabaseName(database);
  return {
    database,
    runtimeUrl: DATABASE_URL,
    adminUrl: DATABASE_ADMIN_URL,
    amqpUrl: AMQP_URL,
    queuePrefix: QUEUE_PREFIX,
  };
}

/** A fresh database name derived from this run's, for tests that need a database of their own. */
export function scratchDatabaseName(env: TestEnv, label: string): string {
  const name = `${env.database}_${label}_${randomBytes(3).toString('hex')}`.slice(0, 63);
  assertTestDatabaseName(name);
  return name;
}

/** Drops a test database even while connections are still open to it. */
export async function dropTestDatabase(database: string): Promise<void> {
  assertTestDatabaseName(database);
  const client = new Client({ connectionString: adminUrlFor('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

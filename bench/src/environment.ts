import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_QUEUE_SETTINGS } from '@app/messaging';

// The bench's configuration code: the one place it reads or writes process.env.
const PG_HOST = process.env.BENCH_PG_HOST ?? '127.0.0.1';
const PG_PORT = process.env.BENCH_PG_PORT ?? '5432';
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const MIGRATIONS_DIR = join(REPO_ROOT, 'prisma', 'migrations');

export interface BenchEnv {
  runId: string;
  database: string;
  runtimeUrl: string;
  adminUrl: string;
  /** The admin role on the maintenance database, for CREATE/DROP DATABASE. */
  maintenanceUrl: string;
  amqpUrl: string;
  queuePrefix: string;
  jwtSecret: string;
  messageSigningKey: string;
}

function postgresUrl(user: string, password: string, database: string): string {
  return `postgresql://${user}:${password}@${PG_HOST}:${PG_PORT}/${database}`;
}

/** The bench drops its database at the end: never let it near one not named as a bench database. */
export function assertBenchDatabaseName(name: string): void {
  if (!/bench/.test(name)) throw new Error(`Refusing to touch database "${name}": its name lacks "bench".`);
}

export function buildBenchEnv(): BenchEnv {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `tenantry_bench_${runId}`;
  assertBenchDatabaseName(database);
  return {
    runId,
    database,
    runtimeUrl: postgresUrl('tenantry_app', 'tenantry_app', database),
    adminUrl: postgresUrl('postgres', 'postgres', database),
    maintenanceUrl: postgresUrl('postgres', 'postgres', 'postgres'),
    amqpUrl: AMQP_URL,
    queuePrefix: `bench-${runId}.`,
    jwtSecret: randomBytes(32).toString('hex'),
    messageSigningKey: randomBytes(32).toString('hex'),
  };
}

/** What the gateway and the worker read, in production mode so no development default is used. */
export function appEnvironment(env: BenchEnv): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: env.runtimeUrl,
    DATABASE_ADMIN_URL: env.adminUrl,
    AMQP_URL: env.amqpUrl,
    QUEUE_PREFIX: env.queuePrefix,
    JWT_SECRET: env.jwtSecret,
    MESSAGE_SIGNING_KEY: env.messageSigningKey,
    // The per-tenant limiter runs (its cost is part of every request) but never refuses: one
    // client sending sequentially (single_get) goes past the default 200 requests/s.
    RATE_LIMIT_RPS: '100000',
    RATE_LIMIT_BURST: '10000',
  };
}

/** The in-process worker context reads its configuration from process.env, like the real worker. */
export function exportAppEnvironment(env: BenchEnv): void {
  Object.assign(process.env, appEnvironment(env));
}

/** Copy of this process's environment plus the apps', for the child processes. */
export function childEnvironment(env: BenchEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...appEnvironment(env), ...extra };
}

/** JOB_QUEUE_SHARDS as the apps will read it (they get this process's environment). */
export function jobQueueShards(): number {
  return Number(process.env.JOB_QUEUE_SHARDS ?? DEFAULT_QUEUE_SETTINGS.jobShards);
}

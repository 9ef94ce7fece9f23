// The test file's own connections to its run's database, and the few ways the specs use them.
// Each test file has its own module registry, so these pools are per file. useDatabase and useStack
// close them in afterAll; a file that uses neither calls closePools itself.
import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { readTestEnv } from './test-env';

/** How the apps set the tenant: local to the transaction, so it dies with it. */
export const SET_TENANT = "SELECT set_config('app.current_tenant_id', $1, true)";

export type TenantStatus = 'active' | 'suspended';

let admin: Promise<Pool> | undefined;
let runtime: Pool | undefined;

/**
 * Superuser connection for arranging data and for asserting what was really written. It must be
 * a superuser (which RLS never filters), or "no row was written" checks would pass vacuously.
 */
export function adminPool(): Promise<Pool> {
  // The promise is kept, not the pool, so callers racing on first use share one pool.
  admin ??= superuserPool(readTestEnv().adminUrl);
  return admin;
}

async function superuserPool(url: string): Promise<Pool> {
  const pool = new Pool({ connectionString: url, max: 2 });
  // A fault test may stop PostgreSQL: an idle client it kills must not fail the run.
  pool.on('error', () => undefined);
  const { rows } = await pool.query<{ rolsuper: boolean }>(
    'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
  );
  if (rows[0]?.rolsuper) return pool;
  await pool.end();
  throw new Error('DATABASE_ADMIN_URL must be a superuser for the test assertions');
}

/**
 * The role the apps log in as. One connection, so "the next transaction" is provably on the same
 * pooled session.
 */
export function runtimePool(): Pool {
  if (!runtime) {
    runtime = new Pool({ connectionString: readTestEnv().runtimeUrl, max: 1 });
    runtime.on('error', () => undefined);
  }
  return runtime;
}

export async function closePools(): Promise<void> {
  const [adminPromise, runtimeToEnd] = [admin, runtime];
  [admin, runtime] = [undefined, undefined];
  await Promise.all([
    adminPromise?.then(
      (pool) => pool.end(),
      () => undefined,
    ),
    runtimeToEnd?.end(),
  ]);
}

export interface Database {
  admin: Pool;
  runtime: Pool;
}

/** Both pools, filled in beforeAll and closed in afterAll (hooks run in the order registered). */
export function useDatabase(): Database {
  const db = {} as Database;
  beforeAll(async () => {
    db.admin = await adminPool();
    db.runtime = runtimePool();
  });
  afterAll(closePools);
  return db;
}

/**
 * Runs fn in a transaction on one connection: committed when fn succeeds and rolled back when it
 * throws, or always rolled back with `rollback`, so nothing a test tries can stick.
 */
export async function inTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  { rollback = false } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Runs fn in a transaction whose tenant is set the way the app sets it. */
export function asTenant<T>(
  pool: Pool,
  tenantId: string,
  fn: (client: PoolClient) => Promise<T>,
  options: { rollback?: boolean } = {},
): Promise<T> {
  const withTenant = async (client: PoolClient) => {
    await client.query(SET_TENANT, [tenantId]);
    return fn(client);
  };
  return inTransaction(pool, withTenant, options);
}

/**
 * Inserts a tenant as the owner (the runtime role may not) and returns its id. The id is appended
 * to the name, so every tenant's name is its own.
 */
export async function createTenant({
  status = 'active',
  name = 'tenant',
}: { status?: TenantStatus; name?: string } = {}): Promise<string> {
  const id = randomUUID();
  await (
    await adminPool()
  ).query('INSERT INTO tenants (id, name, status) VALUES ($1, $2, $3)', [id, `${name} ${id}`, status]);
  return id;
}

export interface StoredProject {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
}

/** The rows a tenant really has in a table, oldest first, read as the superuser. */
async function rowsOf<T extends object>(table: string, columns: string, tenantId: string): Promise<T[]> {
  const sql = `SELECT ${columns} FROM ${table} WHERE tenant_id = $1 ORDER BY created_at, id`;
  return (await (await adminPool()).query<T>(sql, [tenantId])).rows;
}

export function projectsOf(tenantId: string): Promise<StoredProject[]> {
  return rowsOf('projects', 'id, tenant_id, name, description', tenantId);
}

/** How many projects of any tenant have this name, read as the superuser. */
export async function countProjectsNamed(name: string): Promise<number> {
  const { rows } = await (
    await adminPool()
  ).query<{ n: string }>('SELECT count(*) AS n FROM projects WHERE name = $1', [name]);
  return Number(rows[0]?.n);
}

export interface StoredTask {
  id: string;
  project_id: string;
  title: string;
  done: boolean;
  updated_at: Date;
}

export function tasksOf(tenantId: string): Promise<StoredTask[]> {
  return rowsOf('tasks', 'id, project_id, title, done, updated_at', tenantId);
}

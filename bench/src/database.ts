import { randomUUID } from 'node:crypto';
import { Client, escapeIdentifier, Pool } from 'pg';
import { migrate } from '@app/database-admin';
import { Cleanup } from './cleanup';
import { assertBenchDatabaseName, BenchEnv, MIGRATIONS_DIR } from './environment';

/** Creates and migrates this run's database, and registers dropping it. Returns an admin pool. */
export async function createBenchDatabase(env: BenchEnv, cleanup: Cleanup): Promise<Pool> {
  assertBenchDatabaseName(env.database);
  // Registered first, so it runs last: after every connection to the database is closed.
  cleanup.add(`drop database ${env.database}`, () => dropBenchDatabase(env));
  await migrate({ adminUrl: env.adminUrl, runtimeUrl: env.runtimeUrl, migrationsDir: MIGRATIONS_DIR });
  const admin = new Pool({
    connectionString: env.adminUrl,
    max: 2,
    application_name: 'tenantry-bench-admin',
  });
  admin.on('error', () => undefined);
  cleanup.add('admin pool', () => admin.end());
  return admin;
}

async function dropBenchDatabase(env: BenchEnv): Promise<void> {
  assertBenchDatabaseName(env.database);
  const client = new Client({ connectionString: env.maintenanceUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(env.database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function createTenants(admin: Pool, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await admin.query(
    `INSERT INTO tenants (id, name) SELECT id, 'bench tenant ' || id FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  return ids;
}

/** Every create scenario starts from an empty table, so later ones do not pay for bigger indexes. */
export async function emptyProjects(admin: Pool): Promise<void> {
  // CASCADE: tasks reference projects, and go with them.
  await admin.query('TRUNCATE projects CASCADE');
  await admin.query('VACUUM ANALYZE projects');
}

export async function seedProjects(admin: Pool, perTenant: number): Promise<void> {
  await admin.query(
    `INSERT INTO projects (id, tenant_id, name)
     SELECT gen_random_uuid(), t.id, 'seed ' || g FROM tenants t, generate_series(1, $1::int) AS g`,
    [perTenant],
  );
  await admin.query('VACUUM ANALYZE projects');
}

/** For rls_off only; the database is dropped at the end anyway, but restore() puts RLS back first. */
export async function disableProjectsRls(admin: Pool): Promise<void> {
  await admin.query('ALTER TABLE projects NO FORCE ROW LEVEL SECURITY');
  await admin.query('ALTER TABLE projects DISABLE ROW LEVEL SECURITY');
}

export async function enableProjectsRls(admin: Pool): Promise<void> {
  await admin.query('ALTER TABLE projects ENABLE ROW LEVEL SECURITY');
  await admin.query('ALTER TABLE projects FORCE ROW LEVEL SECURITY');
}

/** When the server last started: a change during a run means someone restarted the shared server. */
export async function postgresStartedAt(admin: Pool): Promise<string> {
  const { rows } = await admin.query<{ t: string }>('SELECT pg_postmaster_start_time()::text AS t');
  return rows[0].t;
}

export async function postgresVersion(admin: Pool): Promise<string> {
  const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
  return rows[0].server_version;
}

/**
 * Throws unless the tenant has exactly `projects` projects named `<prefix>…` and `tasks` tasks
 * under them: what an import must have written, read past RLS as the admin role.
 */
export async function expectRows(
  admin: Pool,
  tenantId: string,
  prefix: string,
  expected: { projects: number; tasks: number },
): Promise<void> {
  const { rows } = await admin.query<{ projects: number; tasks: number }>(
    `SELECT (SELECT count(*)::int FROM projects p
              WHERE p.tenant_id = $1 AND starts_with(p.name, $2)) AS projects,
            (SELECT count(*)::int FROM tasks t JOIN projects p
                 ON p.tenant_id = t.tenant_id AND p.id = t.project_id
              WHERE p.tenant_id = $1 AND starts_with(p.name, $2)) AS tasks`,
    [tenantId, prefix],
  );
  const found = rows[0];
  if (found.projects !== expected.projects || found.tasks !== expected.tasks) {
    throw new Error(
      `rows named "${prefix}…" of tenant ${tenantId}: ${found.projects} projects and ${found.tasks} ` +
        `tasks, expected ${expected.projects} and ${expected.tasks}`,
    );
  }
}

/** Projects of a tenant named `<prefix>…`. */
export async function countProjects(admin: Pool, tenantId: string, prefix: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM projects WHERE tenant_id = $1 AND starts_with(name, $2)',
    [tenantId, prefix],
  );
  return rows[0].n;
}

// Threat: an attacker who can run arbitrary SQL on the apps' database connection (SQL injection in
// some future query, a compromised worker, a leaked DATABASE_URL). Each attempt below is a way to
// climb out of row-level security: become a privileged role, turn the policy off or rewrite it,
// see rows without a tenant or with a forged tenant, read the server's files or catalogs. The
// guarantee proved here is that the runtime role sees at most ONE tenant per transaction (the one
// in app.current_tenant_id) and never any row while that setting is empty or not a UUID; it can
// change the setting (any connection can), so the tenant's identity must come from the caller.
import { DatabaseError, PoolClient } from 'pg';
import { createTenant, inTransaction, SET_TENANT, useDatabase } from '../support/database';
import { RUNTIME_ROLE } from '../support/test-env';

const SQL_LOOKING_TENANT = "' OR 1=1 --";

/** The SQLSTATE a query failed with, or 'ok' when it did not fail. */
async function sqlstate(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'ok';
  } catch (error) {
    if (error instanceof DatabaseError && error.code) return error.code;
    throw error;
  }
}

describe('database escape attempts by the runtime role', () => {
  let tenantA: string;
  let tenantB: string;
  let namesOfA: string[];
  let namesOfB: string[];

  // Registered before useDatabase so that it runs while the pools are still open (afterAll hooks run
  // in the order registered). Nothing above may have changed the protections, whatever the tests said.
  afterAll(async () => {
    const table = await db.admin.query(
      `SELECT c.relrowsecurity AS rls, c.relforcerowsecurity AS forced, pg_get_userbyid(c.relowner) AS owner,
              (SELECT array_agg(policyname::text ORDER BY policyname) FROM pg_policies
                WHERE schemaname = 'public' AND tablename = 'projects') AS policies
         FROM pg_class c WHERE c.oid = 'public.projects'::regclass`,
    );
    const role = await db.admin.query(
      'SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1',
      [RUNTIME_ROLE],
    );
    expect(table.rows).toEqual([
      {
        rls: true,
        forced: true,
        owner: 'tenantry_owner',
        policies: ['tenant_isolation'],
      },
    ]);
    expect(role.rows).toEqual([
      { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false },
    ]);
  });

  const db = useDatabase();

  beforeAll(async () => {
    [tenantA, tenantB] = await Promise.all([createTenant({ name: 'A' }), createTenant({ name: 'B' })]);
    // The admin is a superuser, so RLS does not stop it from seeding both tenants.
    await db.admin.query(
      `INSERT INTO projects (id, tenant_id, name) VALUES
         (gen_random_uuid(), $1, 'escape-a-1'), (gen_random_uuid(), $1, 'escape-a-2'),
         (gen_random_uuid(), $2, 'escape-b-1')`,
      [tenantA, tenantB],
    );
    namesOfA = ['escape-a-1', 'escape-a-2'];
    namesOfB = ['escape-b-1'];
  });

  /**
   * Runs fn in a runtime-role transaction that is always rolled back, so a test whose protection
   * failed cannot leave its damage behind for the next one.
   */
  const rolledBack = <T>(fn: (client: PoolClient) => Promise<T>) =>
    inTransaction(db.runtime, fn, { rollback: true });

  /** One statement in its own rolled-back transaction; the SQLSTATE it failed with, or 'ok'. */
  function attempt(sql: string): Promise<string> {
    return rolledBack((client) => sqlstate(client.query(sql)));
  }

  async function visibleNames(client: PoolClient): Promise<string[]> {
    const { rows } = await client.query<{ name: string }>(
      "SELECT name FROM projects WHERE name LIKE 'escape-%' ORDER BY name",
    );
    return rows.map((r) => r.name);
  }

  describe('becoming another role', () => {
    it.each([
      ['SET ROLE to the superuser', 'SET ROLE postgres'],
      ['SET ROLE to the role that owns the tables', 'SET ROLE tenantry_owner'],
      ['SET SESSION AUTHORIZATION to the superuser', 'SET SESSION AUTHORIZATION postgres'],
      ['set_config on role', "SELECT set_config('role', 'postgres', false)"],
      ['ALTER ROLE … BYPASSRLS on itself', `ALTER ROLE ${RUNTIME_ROLE} BYPASSRLS`],
      ['ALTER ROLE … SUPERUSER on itself', `ALTER ROLE ${RUNTIME_ROLE} SUPERUSER`],
      ['GRANT the superuser role to itself', `GRANT postgres TO ${RUNTIME_ROLE}`],
      ['CREATE ROLE', 'CREATE ROLE tenantry_escape LOGIN BYPASSRLS'],
    ])('should refuse %s with insufficient_privilege', async (_label, sql) => {
      expect(await attempt(sql)).toBe('42501');
    });

    it('should gain nothing from SET ROLE to its own group, which owns nothing either', async () => {
      // Membership makes this allowed; it is harmless only because tenantry_runtime owns no table.
      await rolledBack(async (client) => {
        await client.query('SET LOCAL ROLE tenantry_runtime');
        expect(await visibleNames(client)).toEqual([]);
        expect(await sqlstate(client.query('ALTER TABLE projects DISABLE ROW LEVEL SECURITY'))).toBe('42501');
      });
    });

    it('should refuse to read while row_security is turned off, rather than skip the policy', async () => {
      await rolledBack(async (client) => {
        await client.query('SET LOCAL row_security = off');
        expect(await sqlstate(client.query('SELECT count(*) FROM projects'))).toBe('42501');
      });
    });
  });

  describe('changing the table or its policies', () => {
    it.each([
      ['DISABLE ROW LEVEL SECURITY', 'ALTER TABLE projects DISABLE ROW LEVEL SECURITY'],
      ['NO FORCE ROW LEVEL SECURITY', 'ALTER TABLE projects NO FORCE ROW LEVEL SECURITY'],
      ['DROP POLICY', 'DROP POLICY tenant_isolation ON projects'],
      ['CREATE POLICY', 'CREATE POLICY open_door ON projects FOR SELECT USING (true)'],
      ['ALTER POLICY', 'ALTER POLICY tenant_isolation ON projects USING (true) WITH CHECK (true)'],
      ['ALTER TABLE … OWNER TO itself', `ALTER TABLE projects OWNER TO ${RUNTIME_ROLE}`],
      ['DROP TABLE', 'DROP TABLE projects'],
      ['TRUNCATE', 'TRUNCATE projects'],
      ['CREATE TABLE', 'CREATE TABLE escape_x (id int)'],
      ['CREATE FUNCTION in public', "CREATE FUNCTION escape_f() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
      ['CREATE SCHEMA', 'CREATE SCHEMA escape_s'],
      ['CREATE EXTENSION', 'CREATE EXTENSION IF NOT EXISTS dblink'],
      ['GRANT on a table it has no right on', `GRANT SELECT ON _prisma_migrations TO ${RUNTIME_ROLE}`],
    ])('should refuse %s with insufficient_privilege', async (_label, sql) => {
      expect(await attempt(sql)).toBe('42501');
    });

    it('should grant nothing when it GRANTs more on a table it may only use', async () => {
      // Holding some rights without GRANT OPTION makes this a warning, not an error: assert the effect.
      await rolledBack(async (client) => {
        await client.query(`GRANT ALL ON projects TO ${RUNTIME_ROLE}, PUBLIC`);
        const { rows } = await client.query<{ truncate: boolean }>(
          "SELECT has_table_privilege('projects', 'TRUNCATE') AS truncate",
        );
        expect(rows).toEqual([{ truncate: false }]);
      });
    });
  });

  describe('reaching outside the database', () => {
    it.each([
      ['COPY … TO PROGRAM', "COPY projects TO PROGRAM 'id'"],
      ['COPY … FROM a server file', "COPY projects FROM '/etc/passwd'"],
      ['pg_read_file', "SELECT pg_read_file('/etc/passwd')"],
      ['lo_import', "SELECT lo_import('/etc/passwd')"],
      // Large objects sit outside every table: data one tenant's session left there for another's.
      ['creating a large object with lo_create', 'SELECT lo_create(0)'],
      ['creating a large object with lo_creat', 'SELECT lo_creat(-1)'],
      ['creating a large object with lo_from_bytea', "SELECT lo_from_bytea(0, 'left for another tenant')"],
      ['reading pg_authid (password hashes)', 'SELECT * FROM pg_authid'],
      ['reading the migration history', 'SELECT * FROM _prisma_migrations'],
    ])('should refuse %s with insufficient_privilege', async (_label, sql) => {
      expect(await attempt(sql)).toBe('42501');
    });

    it.each([
      ['a temporary table that would shadow projects', 'CREATE TEMP TABLE projects (name text)'],
      ['a temporary function', "CREATE FUNCTION pg_temp.escape_f() RETURNS int LANGUAGE sql AS 'SELECT 1'"],
    ])('should refuse %s (the migrator revokes TEMP from PUBLIC)', async (_label, sql) => {
      expect(await attempt(sql)).toBe('42501');
    });
  });

  describe('the tenant setting', () => {
    it('should see nothing once the tenant is RESET inside the transaction', async () => {
      await rolledBack(async (client) => {
        await client.query(SET_TENANT, [tenantA]);
        expect(await visibleNames(client)).toEqual(namesOfA);
        await client.query('RESET app.current_tenant_id');
        expect(await visibleNames(client)).toEqual([]);
        const tenants = await client.query('SELECT id FROM tenants');
        expect(tenants.rows).toEqual([]);
      });
    });

    it('should see only the new tenant after switching from A to B', async () => {
      // Any connection may set the value: the guarantee is one tenant at a time, never two or all.
      await rolledBack(async (client) => {
        await client.query(SET_TENANT, [tenantA]);
        expect(await visibleNames(client)).toEqual(namesOfA);
        await client.query(SET_TENANT, [tenantB]);
        expect(await visibleNames(client)).toEqual(namesOfB);
        const tenants = await client.query<{ id: string }>('SELECT id FROM tenants');
        expect(tenants.rows).toEqual([{ id: tenantB }]);
      });
    });

    it('should forget the tenant when the transaction ends, on the same pooled connection', async () => {
      const client = await db.runtime.connect();
      try {
        await client.query('BEGIN');
        await client.query(SET_TENANT, [tenantA]);
        await client.query('COMMIT');
        // The setting now reads '' rather than NULL on this session: NULLIF must turn that into no tenant.
        expect(await visibleNames(client)).toEqual([]);
      } finally {
        client.release();
      }
    });

    it('should treat a SQL-looking tenant id as a string that fails the uuid cast', async () => {
      await rolledBack(async (client) => {
        const set = await client.query<{ value: string }>(`${SET_TENANT} AS value`, [SQL_LOOKING_TENANT]);
        expect(set.rows).toEqual([{ value: SQL_LOOKING_TENANT }]);
        expect(await sqlstate(client.query('SELECT name FROM projects'))).toBe('22P02');
      });
    });

    it.each([
      ['SQL-looking text', () => SQL_LOOKING_TENANT],
      ['a wildcard', () => '*'],
      ['a LIKE pattern', () => '%'],
      ['an empty string', () => ''],
      ['whitespace', () => ' '],
      ['two tenants joined by a comma', () => `${tenantA},${tenantB}`],
      ['an array literal of two tenants', () => `{${tenantA},${tenantB}}`],
      ['a tenant followed by an OR', () => `${tenantA}' OR '1'='1`],
      ['a nil uuid', () => '00000000-0000-0000-0000-000000000000'],
    ])('should fail the cast or see no rows, never all, for %s as the tenant', async (_label, value) => {
      await rolledBack(async (client) => {
        await client.query(SET_TENANT, [value()]);
        const outcome = await sqlstate(
          client
            .query<{ name: string }>("SELECT name FROM projects WHERE name LIKE 'escape-%'")
            .then((result) => {
              expect(result.rows).toEqual([]);
            }),
        );
        expect(['ok', '22P02']).toContain(outcome);
      });
    });
  });
});

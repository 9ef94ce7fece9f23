import { Pool, PoolClient } from 'pg';
import { createTenant, readTestEnv } from '../support/test-env';

const SET_TENANT = "SELECT set_config('app.current_tenant_id', $1, true)";

describe('projects row-level security', () => {
  const env = readTestEnv();
  // One connection, so "the next transaction" is provably on the same pooled session.
  const runtime = new Pool({ connectionString: env.runtimeUrl, max: 1 });
  const admin = new Pool({ connectionString: env.adminUrl, max: 2 });
  let tenantA: string;
  let tenantB: string;
  let projectOfB: string;

  beforeEach(async () => {
    [tenantA, tenantB] = await Promise.all([createTenant(admin, 'A'), createTenant(admin, 'B')]);
    // The owner is a superuser and bypasses RLS, so it can seed both tenants.
    const seeded = await admin.query<{ id: string; tenant_id: string }>(
      `INSERT INTO projects (id, tenant_id, name) VALUES
         (gen_random_uuid(), $1, 'a-1'), (gen_random_uuid(), $1, 'a-2'), (gen_random_uuid(), $2, 'b-1')
       RETURNING id, tenant_id`,
      [tenantA, tenantB],
    );
    projectOfB = seeded.rows.find((row) => row.tenant_id === tenantB)!.id;
  });

  afterAll(async () => {
    await Promise.all([runtime.end(), admin.end()]);
  });

  /** Runs fn in a transaction whose tenant is set the way the app sets it. */
  async function asTenant<T>(tenantId: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await runtime.connect();
    try {
      await client.query('BEGIN');
      await client.query(SET_TENANT, [tenantId]);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  const ours = 'SELECT name FROM projects WHERE tenant_id IN ($1, $2) ORDER BY name';

  describe('without a tenant', () => {
    it('should return no rows although rows exist', async () => {
      const all = await admin.query(ours, [tenantA, tenantB]);
      const seen = await runtime.query(ours, [tenantA, tenantB]);
      expect(all.rowCount).toBe(3);
      expect(seen.rows).toEqual([]);
    });

    it('should reject an insert that relies on the default tenant', async () => {
      // The default reads the unset tenant as NULL; WITH CHECK (or NOT NULL) rejects the row.
      await expect(
        runtime.query("INSERT INTO projects (id, name) VALUES (gen_random_uuid(), 'orphan')"),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|23502)$/) });
    });

    it('should reject an insert that names a tenant explicitly', async () => {
      await expect(
        runtime.query("INSERT INTO projects (id, tenant_id, name) VALUES (gen_random_uuid(), $1, 'sneaky')", [
          tenantA,
        ]),
      ).rejects.toMatchObject({ code: '42501' });
    });

    it('should not carry the tenant into the next transaction on a reused connection', async () => {
      const first = await runtime.connect();
      let pid: number;
      try {
        await first.query('BEGIN');
        await first.query(SET_TENANT, [tenantA]);
        pid = (await first.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        expect((await first.query(ours, [tenantA, tenantB])).rowCount).toBe(2);
        await first.query('COMMIT');
      } finally {
        first.release();
      }

      const second = await runtime.connect();
      try {
        expect((await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid).toBe(pid);
        // After a local set_config the setting reads '' (not NULL): the policies must treat it as no tenant.
        const setting = await second.query<{ value: string | null }>(
          "SELECT current_setting('app.current_tenant_id', true) AS value",
        );
        expect(setting.rows[0].value).toBe('');
        expect((await second.query(ours, [tenantA, tenantB])).rows).toEqual([]);
      } finally {
        second.release();
      }
    });
  });

  describe('with tenant A set', () => {
    it('should see only its own rows', async () => {
      const names = await asTenant(tenantA, (c) => c.query<{ name: string }>(ours, [tenantA, tenantB]));
      expect(names.rows.map((r) => r.name)).toEqual(['a-1', 'a-2']);
    });

    it('should reject inserting a row for tenant B', async () => {
      await expect(
        asTenant(tenantA, (c) =>
          c.query("INSERT INTO projects (id, tenant_id, name) VALUES (gen_random_uuid(), $1, 'planted')", [
            tenantB,
          ]),
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });

    it('should reject moving its row to tenant B', async () => {
      await expect(
        asTenant(tenantA, (c) =>
          c.query("UPDATE projects SET tenant_id = $1 WHERE name = 'a-1' AND tenant_id = $2", [
            tenantB,
            tenantA,
          ]),
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });

    it("should neither update nor delete tenant B's rows", async () => {
      const [updated, deleted] = await asTenant(tenantA, async (c) => [
        await c.query("UPDATE projects SET name = 'hijacked' WHERE id = $1", [projectOfB]),
        await c.query('DELETE FROM projects WHERE id = $1', [projectOfB]),
      ]);
      expect([updated.rowCount, deleted.rowCount]).toEqual([0, 0]);
      const untouched = await admin.query('SELECT name FROM projects WHERE id = $1', [projectOfB]);
      expect(untouched.rows).toEqual([{ name: 'b-1' }]);
    });

    it('should put a row inserted without tenant_id into tenant A', async () => {
      const inserted = await asTenant(tenantA, (c) =>
        c.query<{ tenant_id: string }>(
          "INSERT INTO projects (id, name) VALUES (gen_random_uuid(), 'a-3') RETURNING tenant_id",
        ),
      );
      expect(inserted.rows).toEqual([{ tenant_id: tenantA }]);
    });
  });
});

import { PoolClient } from 'pg';
import { asTenant, createTenant, useDatabase } from '../support/database';

describe('projects row-level security', () => {
  // The runtime pool has one connection, so "the next transaction" is provably on the same session.
  const db = useDatabase();
  let tenantA: string;
  let tenantB: string;
  let projectOfB: string;

  beforeEach(async () => {
    [tenantA, tenantB] = await Promise.all([createTenant({ name: 'A' }), createTenant({ name: 'B' })]);
    // The owner is a superuser and bypasses RLS, so it can seed both tenants.
    const seeded = await db.admin.query<{ id: string; tenant_id: string }>(
      `INSERT INTO projects (id, tenant_id, name) VALUES
         (gen_random_uuid(), $1, 'a-1'), (gen_random_uuid(), $1, 'a-2'), (gen_random_uuid(), $2, 'b-1')
       RETURNING id, tenant_id`,
      [tenantA, tenantB],
    );
    projectOfB = seeded.rows.find((row) => row.tenant_id === tenantB)!.id;
  });

  /** Runs fn as the runtime role in a transaction whose tenant is set the way the app sets it. */
  const asTenantA = <T>(fn: (client: PoolClient) => Promise<T>) => asTenant(db.runtime, tenantA, fn);

  const ours = 'SELECT name FROM projects WHERE tenant_id IN ($1, $2) ORDER BY name';

  describe('without a tenant', () => {
    it('should return no rows although rows exist', async () => {
      const all = await db.admin.query(ours, [tenantA, tenantB]);
      const seen = await db.runtime.query(ours, [tenantA, tenantB]);
      expect(all.rowCount).toBe(3);
      expect(seen.rows).toEqual([]);
    });

    it('should reject an insert that relies on the default tenant', async () => {
      // The default reads the unset tenant as NULL; WITH CHECK (or NOT NULL) rejects the row.
      await expect(
        db.runtime.query("INSERT INTO projects (id, name) VALUES (gen_random_uuid(), 'orphan')"),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|23502)$/) });
    });

    it('should reject an insert that names a tenant explicitly', async () => {
      await expect(
        db.runtime.query(
          "INSERT INTO projects (id, tenant_id, name) VALUES (gen_random_uuid(), $1, 'sneaky')",
          [tenantA],
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });

    it('should not carry the tenant into the next transaction on a reused connection', async () => {
      const pid = await asTenantA(async (first) => {
        const { rows } = await first.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        expect((await first.query(ours, [tenantA, tenantB])).rowCount).toBe(2);
        return rows[0].pid;
      });

      const second = await db.runtime.connect();
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
      const names = await asTenantA((c) => c.query<{ name: string }>(ours, [tenantA, tenantB]));
      expect(names.rows.map((r) => r.name)).toEqual(['a-1', 'a-2']);
    });

    it('should reject inserting a row for tenant B', async () => {
      await expect(
        asTenantA((c) =>
          c.query("INSERT INTO projects (id, tenant_id, name) VALUES (gen_random_uuid(), $1, 'planted')", [
            tenantB,
          ]),
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });

    it('should reject moving its row to tenant B', async () => {
      await expect(
        asTenantA((c) =>
          c.query("UPDATE projects SET tenant_id = $1 WHERE name = 'a-1' AND tenant_id = $2", [
            tenantB,
            tenantA,
          ]),
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });

    it("should neither update nor delete tenant B's rows", async () => {
      const [updated, deleted] = await asTenantA(async (c) => [
        await c.query("UPDATE projects SET name = 'hijacked' WHERE id = $1", [projectOfB]),
        await c.query('DELETE FROM projects WHERE id = $1', [projectOfB]),
      ]);
      expect([updated.rowCount, deleted.rowCount]).toEqual([0, 0]);
      const untouched = await db.admin.query('SELECT name FROM projects WHERE id = $1', [projectOfB]);
      expect(untouched.rows).toEqual([{ name: 'b-1' }]);
    });

    it('should put a row inserted without tenant_id into tenant A', async () => {
      const inserted = await asTenantA((c) =>
        c.query<{ tenant_id: string }>(
          "INSERT INTO projects (id, name) VALUES (gen_random_uuid(), 'a-3') RETURNING tenant_id",
        ),
      );
      expect(inserted.rows).toEqual([{ tenant_id: tenantA }]);
    });
  });
});

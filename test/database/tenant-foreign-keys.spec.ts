import { Pool, PoolClient } from 'pg';
import { readTestEnv } from '../support/test-env';

// PostgreSQL checks foreign keys without row-level security. A plain `project_id → projects(id)`
// would let tenant A attach a row to tenant B's project if it knew the id, and the FK error would
// confirm that the id exists. So every FK between tenant tables must pair tenant_id with tenant_id
// (and an FK to tenants must be tenant_id → tenants.id), which also keeps the schema distributable
// by tenant_id.
const UNSCOPED_FOREIGN_KEYS = `
  WITH tenant_tables AS (
    SELECT c.oid FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
       AND EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
  SELECT con.conname AS name
    FROM pg_constraint con
   WHERE con.contype = 'f'
     AND con.conrelid IN (SELECT oid FROM tenant_tables)
     AND (con.confrelid IN (SELECT oid FROM tenant_tables) OR con.confrelid = 'public.tenants'::regclass)
     AND NOT EXISTS (
           SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(from_att, to_att)
             JOIN pg_attribute f ON f.attrelid = con.conrelid AND f.attnum = k.from_att
             JOIN pg_attribute t ON t.attrelid = con.confrelid AND t.attnum = k.to_att
            WHERE f.attname = 'tenant_id'
              AND t.attname = CASE WHEN con.confrelid = 'public.tenants'::regclass THEN 'id' ELSE 'tenant_id' END)
   ORDER BY 1`;

async function unscopedForeignKeys(client: Pool | PoolClient): Promise<string[]> {
  return (await client.query<{ name: string }>(UNSCOPED_FOREIGN_KEYS)).rows.map((r) => r.name);
}

describe('foreign keys between tenant tables', () => {
  const admin = new Pool({ connectionString: readTestEnv().adminUrl, max: 1 });

  afterAll(async () => {
    await admin.end();
  });

  it('should include tenant_id in every foreign key between tenant tables', async () => {
    expect(await unscopedForeignKeys(admin)).toEqual([]);
  });

  it('should report a single-column foreign key between tenant tables (the rule can fail)', async () => {
    const client = await admin.connect();
    try {
      await client.query('BEGIN');
      await client.query(`
        CREATE TABLE fk_probe_parent (tenant_id uuid NOT NULL, id uuid PRIMARY KEY, UNIQUE (tenant_id, id));
        CREATE TABLE fk_probe_scoped (tenant_id uuid NOT NULL, parent_id uuid NOT NULL,
          CONSTRAINT fk_probe_scoped_fkey FOREIGN KEY (tenant_id, parent_id) REFERENCES fk_probe_parent (tenant_id, id));
        CREATE TABLE fk_probe_leaky (tenant_id uuid NOT NULL, parent_id uuid NOT NULL,
          CONSTRAINT fk_probe_leaky_fkey FOREIGN KEY (parent_id) REFERENCES fk_probe_parent (id),
          CONSTRAINT fk_probe_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id));`);
      expect(await unscopedForeignKeys(client)).toEqual(['fk_probe_leaky_fkey']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

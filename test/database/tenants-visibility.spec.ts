import { Pool } from 'pg';
import { createTenant, readTestEnv } from '../support/test-env';

describe('tenants row-level security', () => {
  const env = readTestEnv();
  const runtime = new Pool({ connectionString: env.runtimeUrl, max: 1 });
  const admin = new Pool({ connectionString: env.adminUrl, max: 1 });
  let tenantA: string;
  let tenantB: string;

  beforeEach(async () => {
    tenantA = await createTenant(admin, 'A');
    tenantB = await createTenant(admin, 'B');
  });

  afterAll(async () => {
    await Promise.all([runtime.end(), admin.end()]);
  });

  /** One statement as tenant A, rolled back so nothing a test tries can stick. */
  async function asTenantA(sql: string, values: unknown[] = []) {
    const client = await runtime.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenantA]);
      return await client.query(sql, values);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('should show a tenant only its own row', async () => {
    const seen = await asTenantA('SELECT id FROM tenants WHERE id IN ($1, $2)', [tenantA, tenantB]);
    expect(seen.rows).toEqual([{ id: tenantA }]);
  });

  it('should show no tenant when none is set', async () => {
    const seen = await runtime.query('SELECT id FROM tenants WHERE id IN ($1, $2)', [tenantA, tenantB]);
    expect(seen.rows).toEqual([]);
  });

  it('should reject creating a tenant', async () => {
    await expect(
      asTenantA("INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'rogue')"),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('should reject changing its own tenant', async () => {
    await expect(
      asTenantA("UPDATE tenants SET status = 'active', name = 'renamed' WHERE id = $1", [tenantA]),
    ).rejects.toMatchObject({ code: '42501' });
  });
});

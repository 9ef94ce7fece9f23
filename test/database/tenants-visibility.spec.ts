import { asTenant, createTenant, useDatabase } from '../support/database';

describe('tenants row-level security', () => {
  const db = useDatabase();
  let tenantA: string;
  let tenantB: string;

  beforeEach(async () => {
    tenantA = await createTenant({ name: 'A' });
    tenantB = await createTenant({ name: 'B' });
  });

  /** One statement as tenant A, rolled back so nothing a test tries can stick. */
  const asTenantA = (sql: string, values: unknown[] = []) =>
    asTenant(db.runtime, tenantA, (client) => client.query(sql, values), { rollback: true });

  it('should show a tenant only its own row', async () => {
    const seen = await asTenantA('SELECT id FROM tenants WHERE id IN ($1, $2)', [tenantA, tenantB]);
    expect(seen.rows).toEqual([{ id: tenantA }]);
  });

  it('should show no tenant when none is set', async () => {
    const seen = await db.runtime.query('SELECT id FROM tenants WHERE id IN ($1, $2)', [tenantA, tenantB]);
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

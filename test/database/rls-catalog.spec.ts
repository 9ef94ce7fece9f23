import { useDatabase } from '../support/database';

// Reads the catalog rather than trusting the migration files, so a table added later without
// row-level security, or a permissive policy that forgets the tenant, fails this suite.
describe('row-level security catalog', () => {
  const db = useDatabase();

  const TENANT_SETTING = '%app.current_tenant_id%';

  it('should force a tenant-scoped policy on every table with a tenant_id column', async () => {
    const tables = await db.admin.query<{ table: string; rls: boolean; forced: boolean; scoped: boolean }>(
      `SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
              EXISTS (SELECT 1 FROM pg_policies p
                       WHERE p.schemaname = 'public' AND p.tablename = c.relname
                         AND p.qual LIKE $1 AND p.with_check LIKE $1) AS scoped
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND EXISTS (SELECT 1 FROM pg_attribute a
                       WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
        ORDER BY 1`,
      [TENANT_SETTING],
    );
    expect(tables.rows.map((t) => t.table)).toContain('projects');
    expect(tables.rows).toEqual(
      tables.rows.map((t) => ({ table: t.table, rls: true, forced: true, scoped: true })),
    );
  });

  it('should force row-level security on tenants', async () => {
    const tenants = await db.admin.query(
      `SELECT relrowsecurity AS rls, relforcerowsecurity AS forced FROM pg_class
        WHERE oid = 'public.tenants'::regclass`,
    );
    expect(tenants.rows).toEqual([{ rls: true, forced: true }]);
  });

  it('should scope every policy that applies to the runtime roles by tenant', async () => {
    // Permissive policies are OR-ed: one USING (true) reachable by the apps would open every row.
    const policies = await db.admin.query<{
      policyname: string;
      qual: string | null;
      with_check: string | null;
    }>(
      `SELECT tablename, policyname, cmd, qual, with_check
         FROM pg_policies
        WHERE schemaname = 'public'
          AND roles && ARRAY['public', 'tenantry_runtime', 'tenantry_app']::name[]
        ORDER BY 1, 2`,
    );
    expect(policies.rows.length).toBeGreaterThanOrEqual(2);
    const unscoped = policies.rows.filter((p) => {
      const expressions = [p.qual, p.with_check].filter((e): e is string => e !== null);
      return expressions.length === 0 || expressions.some((e) => !e.includes('app.current_tenant_id'));
    });
    expect(unscoped).toEqual([]);
  });
});

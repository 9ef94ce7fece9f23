import { CatalogForeignKey, CatalogPolicy, CatalogTable, TenantCatalog } from './tenant-catalog.read';
import { findTenantTables, foreignKeyProblems, tenantTableProblems } from './tenant-tables.check';

const ROLE = 'tenantry_app';

function table(name: string, over: Partial<CatalogTable> = {}): CatalogTable {
  return {
    id: name,
    name,
    ownerId: 'owner',
    rls: true,
    forced: true,
    isTenants: name === 'tenants',
    hasTenantId: false,
    reachable: false,
    unfiltered: [],
    ...over,
  };
}

function fk(name: string, from: [string, ...string[]], to: [string, ...string[]]): CatalogForeignKey {
  const [fromId, ...fromColumns] = from;
  const [toId, ...toColumns] = to;
  return { name, fromId, toId, fromColumns, toColumns };
}

/** The tenant policy on `column`, as the catalog read reports it; `over` bends it. */
function policy(tableId: string, column: string, over: Partial<CatalogPolicy> = {}): CatalogPolicy {
  return {
    tableId,
    name: 'tenant_isolation',
    command: '*',
    permissive: true,
    applies: true,
    using: `(${column} = tenant)`,
    withCheck: `(${column} = tenant)`,
    usingIsTenantOf: [column],
    withCheckIsTenantOf: [column],
    ...over,
  };
}

function check(catalog: TenantCatalog): string[] {
  const tenantTables = findTenantTables(catalog);
  return [...tenantTableProblems(catalog, tenantTables, ROLE), ...foreignKeyProblems(catalog, tenantTables)];
}

const tenants = table('tenants');
const tenantsPolicy = policy('tenants', 'id', { name: 'tenant_self_read', command: 'r', withCheck: null });

describe(findTenantTables.name, () => {
  it('should follow foreign keys from tenants to the tenant column of each table, whatever its name', () => {
    const catalog: TenantCatalog = {
      tables: [tenants, table('accounts'), table('invoices'), table('notes', { hasTenantId: true })],
      foreignKeys: [
        fk('accounts_org_fkey', ['accounts', 'org'], ['tenants', 'id']),
        fk('invoices_account_fkey', ['invoices', 'owner', 'account_id'], ['accounts', 'org', 'id']),
      ],
      policies: [],
    };
    const columns = [...findTenantTables(catalog).values()].map((t) => [t.table.name, t.column]);
    expect(columns).toEqual([
      ['tenants', 'id'],
      ['accounts', 'org'],
      ['invoices', 'owner'],
      ['notes', 'tenant_id'],
    ]);
  });

  it('should name no column when foreign keys tie two columns to tenants', () => {
    const catalog: TenantCatalog = {
      tables: [tenants, table('transfers')],
      foreignKeys: [
        fk('transfers_from_fkey', ['transfers', 'from_tenant'], ['tenants', 'id']),
        fk('transfers_to_fkey', ['transfers', 'to_tenant'], ['tenants', 'id']),
      ],
      policies: [],
    };
    expect(findTenantTables(catalog).get('transfers')).toMatchObject({
      column: null,
      candidates: ['from_tenant', 'to_tenant'],
    });
    expect(check(catalog)).toContain(
      'Table transfers has several tenant columns by its foreign keys (from_tenant, to_tenant); a tenant table needs exactly one.',
    );
  });

  it('should leave out a table the runtime role cannot reach and nothing ties to tenants', () => {
    const catalog: TenantCatalog = {
      tables: [tenants, table('_prisma_migrations', { rls: false, forced: false })],
      foreignKeys: [],
      policies: [tenantsPolicy],
    };
    expect([...findTenantTables(catalog).keys()]).toEqual(['tenants']);
    expect(check(catalog)).toEqual([]);
  });
});

describe(tenantTableProblems.name, () => {
  const projects = table('projects', { hasTenantId: true, reachable: true });
  const base = { tables: [tenants, projects], foreignKeys: [] };

  it('should accept one tenant policy per table', () => {
    expect(check({ ...base, policies: [tenantsPolicy, policy('projects', 'tenant_id')] })).toEqual([]);
  });

  it('should refuse a reachable table without a tenant column', () => {
    const catalog = {
      tables: [tenants, table('settings', { reachable: true })],
      foreignKeys: [],
      policies: [tenantsPolicy, policy('settings', 'key')],
    };
    expect(check(catalog)).toEqual([
      expect.stringMatching(/^Table settings can be reached by "tenantry_app" but has no tenant column/),
    ]);
  });

  it('should refuse a second permissive policy even when it is scoped too', () => {
    const second = policy('projects', 'tenant_id', { name: 'tenant_reads', command: 'r', withCheck: null });
    expect(check({ ...base, policies: [tenantsPolicy, policy('projects', 'tenant_id'), second] })).toEqual([
      expect.stringMatching(
        /^Table projects has 2 permissive policies .* \(tenant_isolation, tenant_reads\)/,
      ),
    ]);
  });

  it('should ignore restrictive policies and those for roles the runtime role is not', () => {
    const restrictive = policy('projects', 'tenant_id', { name: 'r', permissive: false, using: 'true' });
    const owners = policy('projects', 'tenant_id', { name: 'o', applies: false, using: 'true' });
    expect(
      check({ ...base, policies: [tenantsPolicy, policy('projects', 'tenant_id'), restrictive, owners] }),
    ).toEqual([]);
  });

  it.each<[string, Partial<CatalogPolicy>]>([
    ['USING is not the tenant test', { using: 'true', usingIsTenantOf: [] }],
    ['WITH CHECK is not the tenant test', { withCheck: 'true', withCheckIsTenantOf: [] }],
    ['an INSERT policy checks nothing', { command: 'a', using: null, withCheck: null }],
    ['the test is on another column', { usingIsTenantOf: ['id'], withCheckIsTenantOf: ['id'] }],
  ])('should refuse the only permissive policy when %s', (_case, bend) => {
    expect(check({ ...base, policies: [tenantsPolicy, policy('projects', 'tenant_id', bend)] })).toEqual([
      expect.stringMatching(
        /^Policy projects\.tenant_isolation applies to "tenantry_app" but does not check/,
      ),
    ]);
  });

  it('should refuse rights that row-level security does not filter', () => {
    const catalog = {
      tables: [tenants, table('projects', { hasTenantId: true, unfiltered: ['TRUNCATE', 'TRIGGER'] })],
      foreignKeys: [],
      policies: [tenantsPolicy, policy('projects', 'tenant_id')],
    };
    expect(check(catalog)).toEqual([
      'Role "tenantry_app" may TRUNCATE table projects, which row-level security does not filter.',
      'Role "tenantry_app" may create triggers on table projects, which row-level security does not filter.',
    ]);
  });
});

describe(foreignKeyProblems.name, () => {
  it('should accept keys that pair tenant columns, and refuse those that do not', () => {
    const catalog: TenantCatalog = {
      tables: [tenants, table('projects', { hasTenantId: true }), table('tasks', { hasTenantId: true })],
      foreignKeys: [
        fk('projects_tenant_id_fkey', ['projects', 'tenant_id'], ['tenants', 'id']),
        fk('tasks_pair_fkey', ['tasks', 'tenant_id', 'project_id'], ['projects', 'tenant_id', 'id']),
        fk('tasks_project_fkey', ['tasks', 'project_id'], ['projects', 'id']),
      ],
      policies: [tenantsPolicy, policy('projects', 'tenant_id'), policy('tasks', 'tenant_id')],
    };
    expect(check(catalog)).toEqual([
      expect.stringMatching(
        /^Foreign key tasks_project_fkey on tasks does not pair tenant_id with tenant_id of projects;/,
      ),
    ]);
  });
});

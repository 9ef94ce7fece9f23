import { listNames } from './safety-catalog';
import { CatalogPolicy, CatalogTable, TenantCatalog } from './tenant-catalog.read';

/**
 * A table that holds tenant rows, and the column that says whose. A table is one when it is
 * `tenants`, has a `tenant_id` column, is tied to a tenant table by a foreign key on that table's
 * tenant column (whatever its own column is called), has a policy the runtime role is subject to,
 * or is reachable by the runtime role at all: everything the apps can touch must be a tenant table.
 */
export interface TenantTable {
  table: CatalogTable;
  /** tenants.id, tenant_id, or the one column its foreign keys tie to another tenant table's. */
  column: string | null;
  /** More than one when foreign keys tie several columns to tenants: then none is the column. */
  candidates: string[];
}

export function findTenantTables(catalog: TenantCatalog): Map<string, TenantTable> {
  const fixed = new Map<string, string>();
  for (const t of catalog.tables) {
    if (t.isTenants) fixed.set(t.id, 'id');
    else if (t.hasTenantId) fixed.set(t.id, 'tenant_id');
  }
  // Follow foreign keys outwards from the fixed ones until nothing new is learned (sets only grow).
  const derived = new Map<string, Set<string>>();
  const columnOf = (id: string): string | undefined => {
    const candidates = derived.get(id);
    return fixed.get(id) ?? (candidates?.size === 1 ? [...candidates][0] : undefined);
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const fk of catalog.foreignKeys) {
      const target = columnOf(fk.toId);
      if (target === undefined || fixed.has(fk.fromId)) continue;
      const candidates = derived.get(fk.fromId) ?? new Set<string>();
      fk.toColumns.forEach((to, i) => {
        if (to === target && !candidates.has(fk.fromColumns[i])) {
          candidates.add(fk.fromColumns[i]);
          changed = true;
        }
      });
      if (candidates.size > 0) derived.set(fk.fromId, candidates);
    }
  }

  const governed = new Set(catalog.policies.filter((p) => p.applies).map((p) => p.tableId));
  const tenantTables = new Map<string, TenantTable>();
  for (const table of catalog.tables) {
    const candidates = [...(derived.get(table.id) ?? [])].sort();
    if (!fixed.has(table.id) && candidates.length === 0 && !table.reachable && !governed.has(table.id))
      continue;
    tenantTables.set(table.id, { table, column: columnOf(table.id) ?? null, candidates });
  }
  return tenantTables;
}

/** Row-level security, its policies and the rights it cannot filter, per tenant table. */
export function tenantTableProblems(
  catalog: TenantCatalog,
  tenantTables: Map<string, TenantTable>,
  role: string,
): string[] {
  const problems: string[] = [];
  for (const { table, column, candidates } of tenantTables.values()) {
    const { name } = table;
    if (column === null && candidates.length > 1) {
      problems.push(
        `Table ${name} has several tenant columns by its foreign keys (${candidates.join(', ')}); a tenant table needs exactly one.`,
      );
    } else if (column === null) {
      problems.push(
        `Table ${name} can be reached by "${role}" but has no tenant column: give it tenant_id with a foreign key to tenants and row-level security, or revoke the role's rights on it.`,
      );
    }
    if (!table.rls) problems.push(`Table ${name} does not have row-level security enabled.`);
    if (!table.forced)
      problems.push(`Table ${name} does not FORCE row-level security, so its owner is not filtered.`);
    for (const right of table.unfiltered) {
      const act = right === 'TRUNCATE' ? `TRUNCATE table ${name}` : `create triggers on table ${name}`;
      problems.push(`Role "${role}" may ${act}, which row-level security does not filter.`);
    }

    const policies = catalog.policies.filter((p) => p.tableId === table.id);
    if (policies.length === 0) {
      problems.push(`Table ${name} has no row-level security policy.`);
      continue;
    }
    // Permissive policies are OR-ed: a second one widens the tenant policy whatever it says.
    const permissive = policies.filter((p) => p.permissive && p.applies);
    if (permissive.length > 1) {
      problems.push(
        `Table ${name} has ${permissive.length} permissive policies that apply to "${role}" (${listNames(permissive.map((p) => p.name))}); permissive policies are OR-ed, so only the tenant policy may be permissive: drop the others or make them RESTRICTIVE.`,
      );
    }
    if (column === null) continue;
    for (const policy of permissive.filter((p) => !isTenantPolicy(p, column))) {
      problems.push(
        `Policy ${name}.${policy.name} applies to "${role}" but does not check app.current_tenant_id as a tenant policy must (${column} = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid): USING ${policy.using ?? '(none)'}, WITH CHECK ${policy.withCheck ?? '(none)'}.`,
      );
    }
  }
  return problems;
}

/** USING and WITH CHECK are each absent only where the command has none, else the tenant test. */
function isTenantPolicy(policy: CatalogPolicy, column: string): boolean {
  const usingOk = policy.using === null ? policy.command === 'a' : policy.usingIsTenantOf.includes(column);
  // Without WITH CHECK, ALL and UPDATE check new rows with USING; INSERT would check nothing.
  const checkOk =
    policy.withCheck === null ? policy.command !== 'a' : policy.withCheckIsTenantOf.includes(column);
  return usingOk && checkOk;
}

/**
 * Foreign keys are checked without row-level security: a key into a tenant table must pair the
 * tenant column of one with the tenant column of the other, or one tenant can reference another's
 * row and learn from the error that it exists.
 */
export function foreignKeyProblems(catalog: TenantCatalog, tenantTables: Map<string, TenantTable>): string[] {
  const problems: string[] = [];
  for (const fk of catalog.foreignKeys) {
    const target = tenantTables.get(fk.toId);
    if (!target?.column) continue;
    const source = tenantTables.get(fk.fromId);
    const from = source?.column ?? null;
    const paired = fk.fromColumns.some((c, i) => c === from && fk.toColumns[i] === target.column);
    if (paired) continue;
    const sourceName =
      source?.table.name ?? catalog.tables.find((t) => t.id === fk.fromId)?.name ?? fk.fromId;
    problems.push(
      `Foreign key ${fk.name} on ${sourceName} does not pair ${from ?? 'a tenant column'} with ${target.column} of ${target.table.name}; foreign keys are checked without row-level security, so it can reach another tenant's rows.`,
    );
  }
  return problems;
}

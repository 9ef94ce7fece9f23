import type { Pool } from 'pg';

/** Anything that runs a query as the runtime role: a Pool, a Client or a checked-out PoolClient. */
export type SafetyQueryable = { query: Pool['query'] };

const UNSAFE_PREFIX = 'Refusing to start: the database does not isolate tenants:';

/** The runtime role could read or write across tenants; `problems` holds one sentence each. */
export class UnsafeDatabaseError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${UNSAFE_PREFIX}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UnsafeDatabaseError';
  }
}

interface RoleRow {
  role: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
}

interface TenantTableRow {
  relname: string;
  relrowsecurity: boolean;
  relforcerowsecurity: boolean;
  policies: number;
}

// Tables holding tenant data: a tenant_id column, plus tenants itself (keyed by id).
const TENANT_TABLES = `
  SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
         (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::int AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     AND (c.relname = 'tenants' OR EXISTS (
           SELECT 1 FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped))
   ORDER BY c.relname`;

// An owner (or a member of the owner role) can ALTER TABLE ... DISABLE ROW LEVEL SECURITY.
const OWNED_RELATIONS = `
  SELECT c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
     AND pg_has_role(current_user, c.relowner, 'MEMBER')
   ORDER BY c.relname`;

// Views read with their owner's rights unless security_invoker is on, and materialized views
// cannot have row-level security at all: either one readable by us would leak every tenant.
const LEAKY_VIEWS = `
  SELECT c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')
     AND has_table_privilege(current_user, c.oid, 'SELECT')
     AND EXISTS (SELECT 1 FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
     AND NOT (c.relkind = 'v' AND EXISTS (
           SELECT 1 FROM unnest(c.reloptions) o WHERE o ~* '^security_invoker=(true|on|yes|1)$'))
   ORDER BY c.relname`;

// Permissive policies are OR-ed, so one that reaches us without reading the tenant setting (say
// USING (true) for PUBLIC) opens every row whatever the tenant policy says.
const UNSCOPED_POLICIES = `
  SELECT p.tablename || '.' || p.policyname AS name
    FROM pg_policies p
   WHERE p.schemaname = 'public' AND p.permissive = 'PERMISSIVE'
     AND EXISTS (SELECT 1 FROM unnest(p.roles) r WHERE r = 'public' OR pg_has_role(current_user, r, 'MEMBER'))
     AND (p.qual NOT LIKE '%app.current_tenant_id%' OR p.with_check NOT LIKE '%app.current_tenant_id%')
   ORDER BY 1`;

// Foreign keys are checked without row-level security: a key into a tenant table that leaves out
// tenant_id lets one tenant reference another's row, and its error reveals that the row exists.
// Each must pair tenant_id with tenant_id (or, into tenants, tenant_id with tenants.id), whatever
// table it starts from. to_regclass, not ::regclass: an unmigrated database must get the clear
// "has it been migrated?" problem, not an error from this query.
const UNSCOPED_FOREIGN_KEYS = `
  WITH tenant_tables AS (
    SELECT c.oid FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
       AND EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))
  SELECT con.conname AS name, con.conrelid::regclass::text AS table
    FROM pg_constraint con
   WHERE con.contype = 'f'
     AND (con.confrelid IN (SELECT oid FROM tenant_tables) OR con.confrelid = to_regclass('public.tenants'))
     AND NOT EXISTS (
           SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(from_att, to_att)
             JOIN pg_attribute f ON f.attrelid = con.conrelid AND f.attnum = k.from_att
             JOIN pg_attribute t ON t.attrelid = con.confrelid AND t.attnum = k.to_att
            WHERE f.attname = 'tenant_id'
              AND t.attname = CASE WHEN con.confrelid = to_regclass('public.tenants') THEN 'id' ELSE 'tenant_id' END)
   ORDER BY 1`;

/**
 * Run as the runtime role (current_user): returns one sentence per way that role could escape
 * row-level security, or an empty list when the database isolates tenants.
 */
export async function findRuntimeSafetyProblems(client: SafetyQueryable): Promise<string[]> {
  const problems: string[] = [];
  const roleResult = await client.query<RoleRow>(
    'SELECT current_user AS role, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
  );
  const { role, rolsuper, rolbypassrls } = roleResult.rows[0];
  if (rolsuper)
    problems.push(`Role "${role}" is a superuser, and row-level security never applies to superusers.`);
  if (rolbypassrls)
    problems.push(`Role "${role}" has BYPASSRLS, so row-level security does not apply to it.`);

  const owned = (await client.query<{ relname: string }>(OWNED_RELATIONS)).rows.map((r) => r.relname);
  if (owned.length > 0) {
    problems.push(
      `Role "${role}" owns, directly or through a role it belongs to, ${owned.join(', ')} in schema public, and an owner can switch row-level security off.`,
    );
  }

  const tables = (await client.query<TenantTableRow>(TENANT_TABLES)).rows;
  if (!tables.some((t) => t.relname === 'tenants')) {
    problems.push('Table tenants does not exist in schema public; has the database been migrated?');
  }
  for (const table of tables) {
    if (!table.relrowsecurity)
      problems.push(`Table ${table.relname} does not have row-level security enabled.`);
    if (!table.relforcerowsecurity) {
      problems.push(
        `Table ${table.relname} does not FORCE row-level security, so its owner is not filtered.`,
      );
    }
    if (table.policies === 0) problems.push(`Table ${table.relname} has no row-level security policy.`);
  }

  for (const { name } of (await client.query<{ name: string }>(UNSCOPED_POLICIES)).rows) {
    problems.push(`Policy ${name} applies to "${role}" but does not check app.current_tenant_id.`);
  }
  for (const { relname } of (await client.query<{ relname: string }>(LEAKY_VIEWS)).rows) {
    problems.push(
      `View ${relname} exposes tenant_id rows to "${role}" without security_invoker, so it reads with its owner's rights.`,
    );
  }
  for (const { name, table } of (await client.query<{ name: string; table: string }>(UNSCOPED_FOREIGN_KEYS))
    .rows) {
    problems.push(
      `Foreign key ${name} on ${table} does not pair tenant_id with tenant_id; foreign keys are checked without row-level security, so it can reach another tenant's rows.`,
    );
  }
  return problems;
}

/** Throws UnsafeDatabaseError unless findRuntimeSafetyProblems finds nothing. */
export async function assertRuntimeSafety(client: SafetyQueryable): Promise<void> {
  const problems = await findRuntimeSafetyProblems(client);
  if (problems.length > 0) throw new UnsafeDatabaseError(problems);
}

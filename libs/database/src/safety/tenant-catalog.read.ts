import { appSchema, SafetyQueryable } from './safety-catalog';

/** A table (ordinary, partitioned or foreign) in an application schema, seen by the runtime role. */
export interface CatalogTable {
  id: string;
  /** Schema-qualified unless its schema is on the runtime role's search_path. */
  name: string;
  ownerId: string;
  rls: boolean;
  forced: boolean;
  isTenants: boolean;
  hasTenantId: boolean;
  /** USAGE on its schema and any right on the table or one of its columns. */
  reachable: boolean;
  /** Rights that row-level security does not filter: TRUNCATE empties every tenant at once. */
  unfiltered: string[];
}

export interface CatalogForeignKey {
  name: string;
  fromId: string;
  toId: string;
  /** Paired by position: fromColumns[i] references toColumns[i]. */
  fromColumns: string[];
  toColumns: string[];
}

export type PolicyCommand = '*' | 'r' | 'a' | 'w' | 'd';

export interface CatalogPolicy {
  tableId: string;
  name: string;
  command: PolicyCommand;
  permissive: boolean;
  /** To PUBLIC or to a role the runtime role belongs to (or may SET ROLE to). */
  applies: boolean;
  using: string | null;
  withCheck: string | null;
  /** Columns c for which the expression is exactly `c = <the transaction's tenant>`. */
  usingIsTenantOf: string[];
  withCheckIsTenantOf: string[];
}

export interface TenantCatalog {
  tables: CatalogTable[];
  foreignKeys: CatalogForeignKey[];
  policies: CatalogPolicy[];
}

/** How PostgreSQL 15 prints the migrations' tenant expression (pg_get_expr), cast included. */
export const TENANT_SETTING_EXPR =
  "(NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid";

const TABLES = `
  SELECT c.oid::text AS id, c.oid::regclass::text AS name, c.relowner::text AS "ownerId",
         c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
         c.oid = to_regclass('public.tenants') AS "isTenants",
         EXISTS (SELECT 1 FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped)
           AS "hasTenantId",
         has_schema_privilege(current_user, c.relnamespace, 'USAGE')
           AND (has_table_privilege(current_user, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                OR has_any_column_privilege(current_user, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')) AS reachable,
         ARRAY(SELECT p FROM unnest(ARRAY['TRUNCATE', 'TRIGGER']) p
                WHERE has_table_privilege(current_user, c.oid, p)) AS unfiltered
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'f') AND ${appSchema('n')}
   ORDER BY 2`;

const columnsOf = (table: string, keys: string) => `
  ARRAY(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = ${table} AND a.attnum = k.attnum ORDER BY k.i)`;

const FOREIGN_KEYS = `
  SELECT con.conname AS name, con.conrelid::text AS "fromId", con.confrelid::text AS "toId",
         ${columnsOf('con.conrelid', 'con.conkey')} AS "fromColumns",
         ${columnsOf('con.confrelid', 'con.confkey')} AS "toColumns"
    FROM pg_constraint con
   WHERE con.contype = 'f'
   ORDER BY 1`;

// Compared as printed by pg_get_expr, against the one expression a tenant policy may have, for
// each column of the table: a policy that merely mentions the setting (OR true, IS NOT NULL, a
// second condition) is not the tenant policy.
const tenantColumns = (expr: string) => `
  ARRAY(SELECT a.attname::text FROM pg_attribute a
         WHERE a.attrelid = p.polrelid AND a.attnum > 0 AND NOT a.attisdropped
           AND pg_get_expr(${expr}, p.polrelid) = format('(%s = %s)', quote_ident(a.attname), $1::text))`;

const POLICIES = `
  SELECT p.polrelid::text AS "tableId", p.polname AS name, p.polcmd AS command, p.polpermissive AS permissive,
         (0::oid = ANY (p.polroles) OR EXISTS (
            SELECT 1 FROM unnest(p.polroles) r WHERE r <> 0 AND pg_has_role(current_user, r, 'MEMBER'))) AS applies,
         pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS "withCheck",
         ${tenantColumns('p.polqual')} AS "usingIsTenantOf",
         ${tenantColumns('p.polwithcheck')} AS "withCheckIsTenantOf"
    FROM pg_policy p
   ORDER BY p.polrelid, p.polname`;

/** What the tenant-table rules need from the catalog, read in three queries as the runtime role. */
export async function readTenantCatalog(client: SafetyQueryable): Promise<TenantCatalog> {
  const tables = (await client.query<CatalogTable>(TABLES)).rows;
  const known = new Set(tables.map((t) => t.id));
  const foreignKeys = (await client.query<CatalogForeignKey>(FOREIGN_KEYS)).rows.filter(
    (fk) => known.has(fk.fromId) || known.has(fk.toId),
  );
  const policies = (await client.query<CatalogPolicy>(POLICIES, [TENANT_SETTING_EXPR])).rows.filter((p) =>
    known.has(p.tableId),
  );
  return { tables, foreignKeys, policies };
}

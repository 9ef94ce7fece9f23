import { listNames, SafetyQueryable } from './safety-catalog';

export interface RuntimeRole {
  name: string;
  superuser: boolean;
  bypassRls: boolean;
  /** public.tenants exists: without it nothing else is worth checking. */
  migrated: boolean;
}

export async function readRuntimeRole(client: SafetyQueryable): Promise<RuntimeRole> {
  const { rows } = await client.query<RuntimeRole>(
    `SELECT current_user AS name, rolsuper AS superuser, rolbypassrls AS "bypassRls",
            to_regclass('public.tenants') IS NOT NULL AS migrated
       FROM pg_roles WHERE rolname = current_user`,
  );
  return rows[0];
}

export function roleAttributeProblems({ name, superuser, bypassRls }: RuntimeRole): string[] {
  const problems: string[] = [];
  if (superuser)
    problems.push(`Role "${name}" is a superuser, and row-level security never applies to superusers.`);
  if (bypassRls) problems.push(`Role "${name}" has BYPASSRLS, so row-level security does not apply to it.`);
  return problems;
}

interface MembershipRow {
  role: string;
  path: string;
  superuser: boolean;
  bypass_rls: boolean;
  predefined: boolean;
}

// Every role the runtime role belongs to, directly or through others, with the chain that leads
// there. Attributes are not inherited, but a member may SET ROLE to any of them and use its own.
const MEMBERSHIPS = `
  WITH RECURSIVE granted(oid, path) AS (
    SELECT m.roleid, ARRAY[m.roleid] FROM pg_auth_members m
     WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user)
    UNION
    SELECT m.roleid, g.path || m.roleid FROM pg_auth_members m JOIN granted g ON m.member = g.oid
     WHERE m.roleid <> ALL (g.path))
  SELECT DISTINCT ON (r.rolname) r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls,
         r.oid < 16384 AS predefined,
         (SELECT string_agg(pg_get_userbyid(p), ' -> ' ORDER BY i) FROM unnest(g.path) WITH ORDINALITY u(p, i)) AS path
    FROM granted g JOIN pg_roles r ON r.oid = g.oid
   ORDER BY r.rolname, array_length(g.path, 1)`;

export async function membershipProblems(client: SafetyQueryable, role: string): Promise<string[]> {
  const problems: string[] = [];
  for (const m of (await client.query<MembershipRow>(MEMBERSHIPS)).rows) {
    const via = `Role "${role}" belongs to "${m.role}" (${role} -> ${m.path})`;
    if (m.superuser) problems.push(`${via}, a superuser: it can SET ROLE and skip row-level security.`);
    else if (m.bypass_rls)
      problems.push(`${via}, which has BYPASSRLS: it can SET ROLE and skip row-level security.`);
    // pg_read_all_data, pg_write_all_data, pg_read_server_files, ...: rights beyond the tenant tables.
    else if (m.predefined) problems.push(`${via}, a predefined role with rights beyond the tenant tables.`);
  }
  return problems;
}

// Ownership from pg_shdepend covers every kind of object at once: tables, views, functions,
// types, schemas, large objects, and the database itself (recorded as a shared object).
const OWNED = `
  SELECT pg_get_userbyid(s.refobjid) AS owner, pg_describe_object(s.classid, s.objid, 0) AS object
    FROM pg_shdepend s
   WHERE s.deptype = 'o' AND s.refclassid = 'pg_authid'::regclass
     AND pg_has_role(current_user, s.refobjid, 'MEMBER')
     AND (s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          OR (s.classid = 'pg_database'::regclass
              AND s.objid = (SELECT oid FROM pg_database WHERE datname = current_database())))
   ORDER BY 1, 2`;

export async function ownershipProblems(client: SafetyQueryable, role: string): Promise<string[]> {
  const byOwner = new Map<string, string[]>();
  for (const { owner, object } of (await client.query<{ owner: string; object: string }>(OWNED)).rows) {
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), object]);
  }
  return [...byOwner].map(([owner, objects]) => {
    const through = owner === role ? '' : ` through "${owner}", a role it belongs to,`;
    return `Role "${role}" owns${through} ${listNames(objects)}; an owner can switch row-level security off, change what the apps run, or keep data outside it.`;
  });
}

// A schema it may create in lets it shadow a table the apps name without a schema ("$user" comes
// first in search_path); temporary objects shadow them too (pg_temp is searched first).
const CREATE_RIGHTS = `
  SELECT (SELECT array_agg(n.nspname::text ORDER BY n.nspname) FROM pg_namespace n
           WHERE has_schema_privilege(current_user, n.oid, 'CREATE') AND n.nspname !~ '^pg_(toast_)?temp_') AS schemas,
         has_database_privilege(current_database(), 'CREATE') AS database,
         has_database_privilege(current_database(), 'TEMPORARY') AS temporary`;

export async function createRightProblems(client: SafetyQueryable, role: string): Promise<string[]> {
  const { rows } = await client.query<{ schemas: string[] | null; database: boolean; temporary: boolean }>(
    CREATE_RIGHTS,
  );
  const { schemas, database, temporary } = rows[0];
  const problems: string[] = [];
  if (schemas)
    problems.push(
      `Role "${role}" may CREATE in schema ${listNames(schemas)}, so it could shadow or add objects.`,
    );
  if (database)
    problems.push(`Role "${role}" may CREATE schemas in the database, so it could shadow tables.`);
  if (temporary)
    problems.push(`Role "${role}" may create TEMPORARY objects, which shadow the tables the apps name.`);
  return problems;
}

/** The functions that make a new large object; server-side lo_import is superuser-only already. */
const LARGE_OBJECT_CREATORS = [
  'lo_create(oid)',
  'lo_creat(integer)',
  'lo_from_bytea(oid,bytea)',
  'lo_import(text)',
  'lo_import(text,oid)',
];

// Large objects sit outside every table, so row-level security never sees them: one tenant's
// session could leave data there for another's to read. The apps have no use for them.
const LARGE_OBJECT_RIGHTS = `
  SELECT array_agg(f::text ORDER BY f::text) AS functions
    FROM unnest($1::regprocedure[]) f
   WHERE has_function_privilege(current_user, f, 'EXECUTE')`;

export async function largeObjectProblems(client: SafetyQueryable, role: string): Promise<string[]> {
  const { rows } = await client.query<{ functions: string[] | null }>(LARGE_OBJECT_RIGHTS, [
    LARGE_OBJECT_CREATORS,
  ]);
  const problems: string[] = [];
  const { functions } = rows[0];
  if (functions) {
    problems.push(
      `Role "${role}" may create large objects (${listNames(functions)}), which row-level security does not cover; db:migrate revokes EXECUTE on them from PUBLIC when its admin is a superuser.`,
    );
  }
  const compat = await client.query<{ on: boolean }>(
    "SELECT current_setting('lo_compat_privileges')::boolean AS on",
  );
  if (compat.rows[0].on) {
    problems.push('lo_compat_privileges is on, so every role may read and write every large object.');
  }
  return problems;
}

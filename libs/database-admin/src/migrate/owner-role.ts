import { Client, escapeIdentifier } from 'pg';
import { MigrationError } from './migration.error';
import { inRoleTransaction } from './role-transaction';

/**
 * The NOLOGIN role that owns the schema's objects and runs the migrations (SET ROLE). Not a
 * superuser and without BYPASSRLS, so what it owns cannot do more than it can: a SECURITY DEFINER
 * function it owns stays inside forced row-level security and cannot reach files or roles.
 */
export const OWNER_ROLE = 'tenantry_owner';

/**
 * Migrations that run as the admin instead: the init migration creates the tenantry_runtime role,
 * which the owner may not (CREATEROLE would let it grant itself predefined roles), and it cannot
 * change now that databases have applied it. What they create is handed to the owner before
 * they commit. New migrations belong to the owner; create roles in the migrator instead.
 */
export const MIGRATIONS_RUN_AS_ADMIN: ReadonlySet<string> = new Set(['20261126000000_init']);

export interface AdminRole {
  name: string;
  superuser: boolean;
}

export async function readAdminRole(admin: Client): Promise<AdminRole> {
  const { rows } = await admin.query<AdminRole>(
    'SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
  );
  return rows[0];
}

/** Creates the owner role if missing, resets its attributes, and lets it create in schema public. */
export async function ensureOwnerRole(admin: Client, self: AdminRole): Promise<void> {
  const owner = escapeIdentifier(OWNER_ROLE);
  await inRoleTransaction(admin, async () => {
    const found = await admin.query<{ unsafe: boolean }>(
      'SELECT rolsuper OR rolbypassrls AS unsafe FROM pg_roles WHERE rolname = $1',
      [OWNER_ROLE],
    );
    if (!found.rows[0]) await admin.query(`CREATE ROLE ${owner} NOLOGIN`);
    if (self.superuser) {
      await admin.query(`ALTER ROLE ${owner} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    } else if (found.rows[0]?.unsafe) {
      throw new MigrationError(
        `Role ${OWNER_ROLE} has SUPERUSER or BYPASSRLS, and "${self.name}" is not a superuser so it cannot take them away. Run ALTER ROLE ${owner} NOSUPERUSER NOBYPASSRLS as a superuser.`,
      );
    } else {
      // SET ROLE needs membership; a superuser may take any role without it.
      await admin.query(`GRANT ${owner} TO ${escapeIdentifier(self.name)}`);
    }
    await admin.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${owner}`);
  });
}

// What the admin (or, for a superuser admin, any superuser) owns in schema public: databases
// migrated before the owner role existed have all of it. Sequences that belong to a column follow
// their table, and members of an extension stay with it.
const ADMIN_OWNED = `
  WITH owners AS (SELECT oid FROM pg_roles
                   WHERE (rolname = current_user OR rolsuper) AND pg_has_role(current_user, oid, 'MEMBER')),
  members AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e')
  SELECT kind, name FROM (
    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                          WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind, c.oid::regclass::text AS name
      FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       AND c.relowner IN (SELECT oid FROM owners)
       AND (c.oid, 'pg_class'::regclass::oid) NOT IN (SELECT objid, classid FROM members)
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT 'TYPE', t.oid::regtype::text
      FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid
     WHERE t.typnamespace = 'public'::regnamespace AND t.typowner IN (SELECT oid FROM owners)
       AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
       AND (t.oid, 'pg_type'::regclass::oid) NOT IN (SELECT objid, classid FROM members)
    UNION ALL
    SELECT 'ROUTINE', p.oid::regprocedure::text
      FROM pg_proc p
     WHERE p.pronamespace = 'public'::regnamespace AND p.proowner IN (SELECT oid FROM owners)
       AND (p.oid, 'pg_proc'::regclass::oid) NOT IN (SELECT objid, classid FROM members)) o
  ORDER BY kind, name`;

/**
 * Gives the owner role what the admin owns in schema public; nothing when that is already done.
 * Runs in the caller's transaction. Ownership moves grants with it (GRANTs the admin made as
 * owner become the owner's), and policies name roles, not owners, so both keep working.
 */
export async function handOverOwnership(admin: Client, log: (line: string) => void): Promise<void> {
  const { rows } = await admin.query<{ kind: string; name: string }>(ADMIN_OWNED);
  for (const { kind, name } of rows) {
    // `name` is printed by regclass/regtype/regprocedure, so it is already quoted where needed.
    await admin.query(`ALTER ${kind} ${name} OWNER TO ${escapeIdentifier(OWNER_ROLE)}`);
  }
  if (rows.length > 0) {
    log(
      `Handed ${rows.length} object(s) in schema public to ${OWNER_ROLE}: ${rows.map((r) => r.name).join(', ')}`,
    );
  }
}

import type { Pool } from 'pg';

/** Anything that runs a query as the runtime role: a Pool, a Client or a checked-out PoolClient. */
export type SafetyQueryable = { query: Pool['query'] };

/**
 * Schemas that hold the application's objects: all but PostgreSQL's own and the per-session
 * temporary ones. A check limited to `public` would miss a tenant table one schema over.
 */
export function appSchema(namespace: string): string {
  return `(${namespace}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${namespace}.nspname !~ '^pg_(toast|temp_)')`;
}

/**
 * Why a role (an oid expression) is not bound by row-level security, or NULL: it is or belongs
 * to a superuser, a BYPASSRLS role, or the owner of a tenant table (owners may switch RLS off).
 * `$1` must be the oids of the tenant tables' owners. Membership counts whether or not it is
 * inherited: a member may SET ROLE.
 */
export function unboundBy(role: string): string {
  return `(SELECT CASE WHEN bool_or(r.rolsuper) THEN 'a superuser'
                       WHEN bool_or(r.rolbypassrls) THEN 'a role with BYPASSRLS'
                       ELSE 'the owner of tenant tables' END
             FROM pg_roles r
            WHERE pg_has_role(${role}, r.oid, 'MEMBER')
              AND (r.rolsuper OR r.rolbypassrls OR r.oid = ANY ($1::oid[]))
           HAVING count(*) > 0)`;
}

/** "a, b and 3 more": problem sentences stay one line whatever the catalog holds. */
export function listNames(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

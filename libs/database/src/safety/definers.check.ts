import { appSchema, SafetyQueryable, unboundBy } from './safety-catalog';
import { TenantTable } from './tenant-tables.check';

// A SECURITY DEFINER function runs as its owner: owned by a role that row-level security does
// not bind, it reads and writes as that role for whoever may call it. Which tables its body
// touches is not in the catalog (plpgsql is not tracked), so the owner alone decides.
const DEFINER_FUNCTIONS = `
  SELECT p.oid::regprocedure::text AS name, pg_get_userbyid(p.proowner) AS owner, ${unboundBy('p.proowner')} AS unbound
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE p.prosecdef AND ${appSchema('n')}
     AND has_function_privilege(current_user, p.oid, 'EXECUTE')
   ORDER BY 1`;

// Views read their tables with their owner's rights unless security_invoker is on, and
// materialized views hold a copy that row-level security never filters. `reads` is every
// relation a view's query names, so views over views are followed to the tables beneath.
const VIEWS = `
  SELECT c.oid::text AS id, c.oid::regclass::text AS name, c.relkind = 'm' AS materialized,
         pg_get_userbyid(c.relowner) AS owner, ${unboundBy('c.relowner')} AS unbound,
         EXISTS (SELECT 1 FROM unnest(c.reloptions) o WHERE o ~* '^security_invoker=(true|on|yes|1)$') AS invoker,
         has_schema_privilege(current_user, c.relnamespace, 'USAGE')
           AND has_table_privilege(current_user, c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS reachable,
         ARRAY(SELECT DISTINCT d.refobjid::text FROM pg_rewrite w
                 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                WHERE w.ev_class = c.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid) AS reads
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('v', 'm') AND ${appSchema('n')}
   ORDER BY 2`;

interface ViewRow {
  id: string;
  name: string;
  materialized: boolean;
  owner: string;
  unbound: string | null;
  invoker: boolean;
  reachable: boolean;
  reads: string[];
}

export async function definerProblems(
  client: SafetyQueryable,
  tenantTables: Map<string, TenantTable>,
  role: string,
): Promise<string[]> {
  const owners = [...new Set([...tenantTables.values()].map((t) => t.table.ownerId))];
  const problems: string[] = [];
  const functions = await client.query<{ name: string; owner: string; unbound: string | null }>(
    DEFINER_FUNCTIONS,
    [owners],
  );
  for (const f of functions.rows.filter((row) => row.unbound !== null)) {
    problems.push(
      `Function ${f.name} is SECURITY DEFINER, owned by "${f.owner}" (${f.unbound}), and "${role}" may call it, so it runs outside row-level security: make it SECURITY INVOKER, give it an owner without those rights, or revoke EXECUTE.`,
    );
  }

  const views = (await client.query<ViewRow>(VIEWS, [owners])).rows;
  const byId = new Map(views.map((v) => [v.id, v]));
  const overTenantData = (view: ViewRow, seen = new Set<string>()): boolean =>
    view.reads.some((id) => {
      if (tenantTables.has(id)) return true;
      const inner = byId.get(id);
      if (!inner || seen.has(id)) return false;
      seen.add(id);
      return overTenantData(inner, seen);
    });
  for (const view of views.filter((v) => v.reachable && (v.materialized || !v.invoker))) {
    const tenantData = overTenantData(view);
    if (!tenantData && view.unbound === null) continue;
    const over = tenantData ? 'over tenant tables' : 'owned by a role row-level security does not bind';
    const why = view.materialized
      ? "a materialized view is never filtered by row-level security: revoke the role's rights on it"
      : `it reads with the rights of its owner "${view.owner}"${view.unbound ? ` (${view.unbound})` : ''} because security_invoker is off: set security_invoker on it, or revoke the role's rights on it`;
    problems.push(`View ${view.name} ${over} can be read by "${role}", and ${why}.`);
  }
  return problems;
}

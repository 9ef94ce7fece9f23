/**
 * Models of tenant tables: each has tenant_id, and every statement on it must name the tenant in
 * its own text for a distributed planner (Citus) to route it to one shard; RLS alone cannot.
 * `tenants` is the registry (a reference table under Citus), filtered by its own id.
 */
const TENANT_MODELS = new Set(['Project', 'Task', 'Job', 'InboxEntry']);

const FILTERED = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
]);

type Args = Record<string, unknown> | undefined;

/**
 * The operation's arguments with the tenant added where its SQL filters or writes rows: `tenantId`
 * in `where` (over whatever the caller put there), in `data` of a create, in each row of a
 * createMany. An operation this does not know on a tenant model is refused, so that a new one is
 * considered before it runs.
 */
export function withTenantFilter(model: string, operation: string, args: Args, tenantId: string): Args {
  if (!TENANT_MODELS.has(model)) return args;
  const scoped = { ...args };
  if (FILTERED.has(operation)) {
    scoped.where = { ...(scoped.where as object | undefined), tenantId };
  } else if (operation === 'create') {
    scoped.data = { ...(scoped.data as object), tenantId };
  } else if (operation === 'createMany' || operation === 'createManyAndReturn') {
    const rows = Array.isArray(scoped.data) ? scoped.data : [scoped.data];
    scoped.data = rows.map((row: object) => ({ ...row, tenantId }));
  } else if (operation === 'upsert') {
    scoped.where = { ...(scoped.where as object), tenantId };
    scoped.create = { ...(scoped.create as object), tenantId };
  } else {
    throw new Error(`${model}.${operation} is not scoped by tenant_id in the tenant client`);
  }
  return scoped;
}

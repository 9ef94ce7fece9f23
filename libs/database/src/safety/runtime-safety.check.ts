import { definerProblems } from './definers.check';
import {
  createRightProblems,
  largeObjectProblems,
  membershipProblems,
  ownershipProblems,
  readRuntimeRole,
  roleAttributeProblems,
} from './role.check';
import { SafetyQueryable } from './safety-catalog';
import { readTenantCatalog } from './tenant-catalog.read';
import { findTenantTables, foreignKeyProblems, tenantTableProblems } from './tenant-tables.check';
import { UnsafeDatabaseError } from './unsafe-database.error';

export { UnsafeDatabaseError } from './unsafe-database.error';
export type { SafetyQueryable } from './safety-catalog';

const NOT_MIGRATED = 'Table tenants does not exist in schema public; has the database been migrated?';

/**
 * Run as the runtime role (current_user): returns one sentence per way that role could escape
 * row-level security, or an empty list when the database isolates tenants. Everything is read
 * from the catalog (ownership, memberships, rights, policies as PostgreSQL prints them), never
 * from the migration files.
 */
export async function findRuntimeSafetyProblems(client: SafetyQueryable): Promise<string[]> {
  const role = await readRuntimeRole(client);
  const problems = roleAttributeProblems(role);
  if (!role.migrated) return [...problems, NOT_MIGRATED];

  problems.push(
    ...(await membershipProblems(client, role.name)),
    ...(await ownershipProblems(client, role.name)),
    ...(await createRightProblems(client, role.name)),
    ...(await largeObjectProblems(client, role.name)),
  );
  const catalog = await readTenantCatalog(client);
  const tenantTables = findTenantTables(catalog);
  problems.push(
    ...tenantTableProblems(catalog, tenantTables, role.name),
    ...foreignKeyProblems(catalog, tenantTables),
    ...(await definerProblems(client, tenantTables, role.name)),
  );
  // Names come from the catalog, which whoever may create objects can fill with line breaks:
  // escape control characters so that each problem stays one line of the log.
  return problems.map((p) =>
    p.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

/** Throws UnsafeDatabaseError unless findRuntimeSafetyProblems finds nothing. */
export async function assertRuntimeSafety(client: SafetyQueryable): Promise<void> {
  const problems = await findRuntimeSafetyProblems(client);
  if (problems.length > 0) throw new UnsafeDatabaseError(problems);
}

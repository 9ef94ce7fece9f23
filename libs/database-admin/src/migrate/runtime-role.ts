import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { ConnectionUrlParts } from './connection-url';
import { MigrationError } from './migration.error';
import { revokeLargeObjectCreation, revokeUngrantedMemberships } from './runtime-rights';
import { inRoleTransaction } from './role-transaction';

/** The NOLOGIN group the init migration grants table rights to; login roles only inherit it. */
export const RUNTIME_GROUP_ROLE = 'tenantry_runtime';

interface RoleRow {
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolreplication: boolean;
  bootstrap: boolean;
}

/**
 * Creates the runtime login role if missing and resets it to exactly: LOGIN, no superuser, no
 * BYPASSRLS, member of tenantry_runtime and of nothing else, CONNECT on the database, no direct
 * table rights, no large objects.
 */
export async function ensureRuntimeRole(
  admin: Client,
  runtime: ConnectionUrlParts,
  log: (line: string) => void,
): Promise<void> {
  // Logged once committed: a retried transaction would otherwise report its revocations twice.
  const revoked = await inRoleTransaction(admin, () => applyRoleRights(admin, runtime));
  revoked.forEach(log);
}

async function applyRoleRights(admin: Client, runtime: ConnectionUrlParts): Promise<string[]> {
  const role = escapeIdentifier(runtime.user);
  const self = await admin.query<{ name: string; rolsuper: boolean }>(
    'SELECT current_user AS name, rolsuper FROM pg_roles WHERE rolname = current_user',
  );
  const { name: adminRole, rolsuper: adminIsSuperuser } = self.rows[0];
  if (runtime.user === adminRole) {
    throw new MigrationError(
      `DATABASE_URL logs in as "${adminRole}", the same role as DATABASE_ADMIN_URL. The apps must use a separate role without ownership, or row-level security does not bind them.`,
    );
  }

  const found = await admin.query<RoleRow>(
    'SELECT rolsuper, rolbypassrls, rolreplication, oid = 10 AS bootstrap FROM pg_roles WHERE rolname = $1',
    [runtime.user],
  );
  const existing = found.rows[0];
  if (!existing) {
    await admin.query(`CREATE ROLE ${role} LOGIN`);
  } else if (existing.bootstrap) {
    throw new MigrationError(
      `DATABASE_URL logs in as "${runtime.user}", the cluster's bootstrap superuser, which cannot be made an ordinary role. Point DATABASE_URL at a dedicated role such as tenantry_app.`,
    );
  } else if (!adminIsSuperuser && (existing.rolsuper || existing.rolbypassrls || existing.rolreplication)) {
    throw new MigrationError(
      `Role "${runtime.user}" from DATABASE_URL has SUPERUSER, BYPASSRLS or REPLICATION, and "${adminRole}" is not a superuser so it cannot take them away. Run ALTER ROLE ${role} NOSUPERUSER NOBYPASSRLS NOREPLICATION as a superuser, or use another role.`,
    );
  }

  // PostgreSQL 15 wants a superuser merely to mention SUPERUSER, BYPASSRLS or REPLICATION, even to
  // turn them off; a non-superuser owner leaves them out (checked above that they are off).
  const attributes = adminIsSuperuser
    ? 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT'
    : 'LOGIN NOCREATEDB NOCREATEROLE INHERIT';
  await admin.query(`ALTER ROLE ${role} ${attributes} PASSWORD ${escapeLiteral(runtime.password)}`);
  await admin.query(`GRANT ${escapeIdentifier(RUNTIME_GROUP_ROLE)} TO ${role}`);
  await admin.query(`GRANT CONNECT ON DATABASE ${escapeIdentifier(runtime.database)} TO ${role}`);
  // PUBLIC may create temporary objects by default, which lets a session shadow `projects` with a
  // temp table of its own; the runtime role has no use for them.
  await admin.query(`REVOKE TEMPORARY ON DATABASE ${escapeIdentifier(runtime.database)} FROM PUBLIC`);
  // Rights come only through the group, so one GRANT in a migration reaches every app instance
  // and nothing granted by hand to the login role lingers.
  await admin.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
  await admin.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
  await admin.query(`REVOKE ALL ON SCHEMA public FROM ${role}`);
  if (adminIsSuperuser) {
    // Both belong to a superuser (the bootstrap role, pg_database_owner); a non-superuser admin
    // leaves them, and the safety check that follows says what is left to do.
    await admin.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await revokeLargeObjectCreation(admin, [RUNTIME_GROUP_ROLE, runtime.user]);
  }
  return revokeUngrantedMemberships(admin, runtime.user, RUNTIME_GROUP_ROLE);
}

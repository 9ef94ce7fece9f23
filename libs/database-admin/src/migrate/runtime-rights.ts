import { Client, escapeIdentifier } from 'pg';
import { MigrationError } from './migration.error';

// The same list as the runtime safety check's (libs/database), which refuses to start while the
// runtime role may still call one; this folder imports nothing from other libs (see index.ts).
const LARGE_OBJECT_CREATORS = [
  'lo_create(oid)',
  'lo_creat(integer)',
  'lo_from_bytea(oid,bytea)',
  'lo_import(text)',
  'lo_import(text,oid)',
];

/**
 * Large objects live outside every table, where row-level security does not reach: a session of
 * one tenant could leave data there for another's. PUBLIC may create them by default; these
 * functions belong to the bootstrap superuser, so only a superuser admin may revoke that.
 */
export async function revokeLargeObjectCreation(admin: Client, roles: string[]): Promise<void> {
  const grantees = ['PUBLIC', ...roles.map(escapeIdentifier)].join(', ');
  await admin.query(`REVOKE EXECUTE ON FUNCTION ${LARGE_OBJECT_CREATORS.join(', ')} FROM ${grantees}`);
}

interface MembershipRow {
  role: string;
  member: string;
}

const MEMBERSHIPS = `
  SELECT r.rolname AS role, m.rolname AS member
    FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
   WHERE (m.rolname = $1 AND r.rolname <> $2) OR m.rolname = $2
   ORDER BY 2, 1`;

/**
 * Revokes every membership of the login role but the group, and every membership of the group:
 * rights reach the apps only through what the migrations grant to the group, and a role they
 * belong to could carry BYPASSRLS, a superuser or the tables' ownership. Returns a log line each.
 */
export async function revokeUngrantedMemberships(
  admin: Client,
  loginRole: string,
  groupRole: string,
): Promise<string[]> {
  const { rows } = await admin.query<MembershipRow>(MEMBERSHIPS, [loginRole, groupRole]);
  for (const { role, member } of rows) {
    await admin.query(`REVOKE ${escapeIdentifier(role)} FROM ${escapeIdentifier(member)}`);
  }
  const left = await admin.query<MembershipRow>(MEMBERSHIPS, [loginRole, groupRole]);
  if (left.rows.length > 0) {
    // REVOKE only warns when it may not revoke (a superuser role, another grantor's grant).
    const names = left.rows.map((r) => `${r.member} in ${r.role}`).join(', ');
    throw new MigrationError(
      `Could not revoke the membership of ${names}; revoke it as a superuser, then run db:migrate again.`,
    );
  }
  return rows.map(
    ({ role, member }) =>
      `Revoked the membership of ${member} in ${role}: db:migrate grants ${loginRole} only ${groupRole}`,
  );
}

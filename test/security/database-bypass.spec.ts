// Threat: a database changed behind the apps' back so that the runtime role can get around
// row-level security (property-database.spec.ts generates each class; here one of each is
// committed in a database of its own, as an operator would leave it). The worker must refuse to
// boot on it, and `db:migrate` must either repair it (what it grants it also takes back) or refuse
// with the same message, exit code 1.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseOptions } from '../../libs/database/src/database.options';
import { RuntimeSafetyCheck } from '../../libs/database/src/safety/runtime-safety.service';
import { migrate } from '../../libs/database-admin/src/migrate/migrator';
import { runMigrateCli } from '../support/admin-cli';
import {
  adminUrlFor,
  dropTestDatabase,
  MIGRATIONS_DIR,
  postgresUrl,
  readTestEnv,
  RUNTIME_ROLE,
  runtimeUrlFor,
  scratchDatabaseName,
} from '../support/test-env';

const SETTING = "NULLIF(current_setting('app.current_tenant_id', true), '')::uuid";

interface Target {
  database: string;
  adminUrl: string;
  runtimeUrl: string;
  /** The runtime login role: the shared one, or one of this test's own. */
  user: string;
}

interface Case {
  label: string;
  /** As the admin, committed; `$USER` and `$DB` stand for the runtime role and the database. */
  hostile: string;
  refused: RegExp;
  /** What db:migrate prints when it repairs the case itself; absent when it must refuse. */
  repaired?: RegExp;
  /** Memberships are cluster-wide: those cases get a runtime role of their own. */
  ownRole?: boolean;
}

const CASES: Case[] = [
  {
    label: 'an extra permissive policy that mentions the tenant',
    hostile: `CREATE POLICY open_door ON projects FOR SELECT USING (tenant_id = ${SETTING} OR true)`,
    refused: /Table projects has 2 permissive policies that apply to "\w+" \(open_door, tenant_isolation\)/,
  },
  {
    label: 'a SECURITY DEFINER function owned by the superuser in another schema',
    hostile: `CREATE SCHEMA reports; GRANT USAGE ON SCHEMA reports TO tenantry_runtime;
      CREATE FUNCTION reports.all_projects() RETURNS SETOF projects LANGUAGE sql SECURITY DEFINER AS 'SELECT * FROM public.projects'`,
    refused: /Function reports\.all_projects\(\) is SECURITY DEFINER, owned by "postgres" \(a superuser\)/,
  },
  {
    // db:migrate hands it to the owner role, which owns the tables: still refused.
    label: 'a view over tenants without security_invoker',
    hostile:
      'CREATE VIEW tenant_names AS SELECT id, name FROM tenants; GRANT SELECT ON tenant_names TO tenantry_runtime',
    refused:
      /View tenant_names over tenant tables can be read by "\w+", and it reads with the rights of its owner/,
  },
  {
    label: 'a tenant table in another schema with its tenant column under another name',
    hostile: `CREATE SCHEMA archive; GRANT USAGE ON SCHEMA archive TO tenantry_runtime;
      CREATE TABLE archive.old_projects (id uuid PRIMARY KEY, org uuid NOT NULL REFERENCES public.tenants (id), name text);
      GRANT SELECT ON archive.old_projects TO tenantry_runtime`,
    refused: /Table archive\.old_projects does not have row-level security enabled\./,
  },
  {
    label: 'the database owned by the runtime role',
    hostile: 'ALTER DATABASE $DB OWNER TO $USER',
    refused: /Role "\w+" owns database tenantry_test\w*; an owner can switch row-level security off/,
  },
  {
    label: 'CREATE on schema public for the runtime group',
    hostile: 'GRANT CREATE ON SCHEMA public TO tenantry_runtime',
    refused: /Role "\w+" may CREATE in schema public, so it could shadow or add objects\./,
  },
  {
    label: 'BYPASSRLS through a chain of memberships',
    hostile: `CREATE ROLE $USER_bypass NOLOGIN BYPASSRLS; CREATE ROLE $USER_link NOLOGIN;
      GRANT $USER_bypass TO $USER_link; GRANT $USER_link TO $USER`,
    refused: /Role "(\w+)" belongs to "\1_bypass" \(\1 -> \1_link -> \1_bypass\), which has BYPASSRLS/,
    repaired: /^Revoked the membership of (\w+) in \1_link: db:migrate grants \1 only tenantry_runtime$/m,
    ownRole: true,
  },
  {
    label: 'large objects creatable again',
    hostile: 'GRANT EXECUTE ON FUNCTION lo_create(oid), lo_from_bytea(oid, bytea) TO PUBLIC',
    refused: /may create large objects \(lo_create\(oid\), lo_from_bytea\(oid,bytea\)\)/,
    repaired: /the runtime role is isolated by row-level security/,
  },
];

describe('a database that lets the runtime role around row-level security', () => {
  const env = readTestEnv();
  const databases: string[] = [];
  const roles: string[] = [];

  afterAll(async () => {
    await Promise.all(databases.map((name) => dropTestDatabase(name)));
    const admin = new Client({ connectionString: env.adminUrl });
    await admin.connect();
    try {
      // Each test role's helpers first: a role cannot be dropped while another is granted it.
      for (const role of roles.reverse()) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await admin.end();
    }
  });

  async function migratedDatabase(label: string, ownRole: boolean): Promise<Target> {
    const database = scratchDatabaseName(env, label);
    databases.push(database);
    const user = ownRole ? `tenantry_test_app_${randomBytes(3).toString('hex')}` : RUNTIME_ROLE;
    if (ownRole) roles.push(user, `${user}_link`, `${user}_bypass`);
    const runtimeUrl = ownRole ? postgresUrl(user, 'pw', database) : runtimeUrlFor(database);
    const target = { database, adminUrl: adminUrlFor(database), runtimeUrl, user };
    await migrate({ adminUrl: target.adminUrl, runtimeUrl, migrationsDir: MIGRATIONS_DIR });
    return target;
  }

  async function asAdmin(target: Target, sql: string): Promise<void> {
    const admin = new Client({ connectionString: target.adminUrl });
    await admin.connect();
    try {
      await admin.query(sql.replaceAll('$USER', target.user).replaceAll('$DB', target.database));
    } finally {
      await admin.end();
    }
  }

  /** The worker's own boot-time check, as its DatabaseModule runs it. */
  function bootCheck(target: Target): Promise<void> {
    return new RuntimeSafetyCheck({ url: target.runtimeUrl } as DatabaseOptions).onModuleInit();
  }

  it('should boot and migrate on a database left as db:migrate made it', async () => {
    const target = await migratedDatabase('clean', false);
    await expect(bootCheck(target)).resolves.toBeUndefined();
    const cli = await runMigrateCli(target);
    expect(cli).toMatchObject({ code: 0, stderr: '' });
  });

  it.each(CASES.map((c) => [c.label, c] as const))(
    'should refuse to boot on %s, and db:migrate should repair it or refuse as well',
    async (_label, { hostile, refused, repaired, ownRole = false }) => {
      const target = await migratedDatabase('bypass', ownRole);
      await asAdmin(target, hostile);
      await expect(bootCheck(target)).rejects.toThrow(refused);

      const cli = await runMigrateCli(target);
      if (repaired) {
        expect(cli).toMatchObject({ code: 0, stderr: '' });
        expect(cli.stdout).toMatch(repaired);
        await expect(bootCheck(target)).resolves.toBeUndefined();
      } else {
        expect(cli.code).toBe(1);
        expect(cli.stderr).toMatch(
          /^Database migration failed\. Refusing to start: the database does not isolate tenants:/,
        );
        expect(cli.stderr).toMatch(refused);
      }
    },
  );
});

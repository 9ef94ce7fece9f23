import {
  assertRuntimeSafety,
  findRuntimeSafetyProblems,
  UnsafeDatabaseError,
} from '../../libs/database/src/safety/runtime-safety.check';
import { Client, escapeIdentifier } from 'pg';
import { useDatabase } from '../support/database';
import {
  adminUrlFor,
  dropTestDatabase,
  readTestEnv,
  RUNTIME_ROLE,
  scratchDatabaseName,
} from '../support/test-env';

describe('runtime role', () => {
  const db = useDatabase();

  it('should be neither a superuser nor able to bypass row-level security', async () => {
    const role = await db.runtime.query(
      'SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    expect(role.rows).toEqual([{ name: RUNTIME_ROLE, rolsuper: false, rolbypassrls: false }]);
  });

  it('should own nothing in the database', async () => {
    const owned = await db.runtime.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE pg_has_role(current_user, c.relowner, 'MEMBER')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`,
    );
    expect(owned.rows).toEqual([]);
  });

  it('should hold table rights only through the tenantry_runtime group', async () => {
    const direct = await db.runtime.query(
      `SELECT table_name, privilege_type FROM information_schema.role_table_grants
        WHERE grantee = current_user AND table_schema = 'public'`,
    );
    const rights = await db.runtime.query(
      `SELECT has_table_privilege('projects', 'SELECT, INSERT, UPDATE, DELETE') AS crud_projects,
              has_table_privilege('projects', 'TRUNCATE, REFERENCES, TRIGGER') AS more_on_projects,
              has_table_privilege('tenants', 'SELECT') AS read_tenants,
              has_table_privilege('tenants', 'INSERT, UPDATE, DELETE, TRUNCATE') AS write_tenants,
              has_table_privilege('_prisma_migrations', 'SELECT') AS read_history,
              has_schema_privilege('public', 'CREATE') AS create_in_public,
              pg_has_role('tenantry_runtime', 'MEMBER') AS in_group`,
    );
    expect(direct.rows).toEqual([]);
    expect(rights.rows[0]).toEqual({
      crud_projects: true,
      more_on_projects: false,
      read_tenants: true,
      write_tenants: false,
      read_history: false,
      create_in_public: false,
      in_group: true,
    });
  });

  describe(findRuntimeSafetyProblems.name, () => {
    it('should find nothing wrong with the migrated database', async () => {
      await expect(findRuntimeSafetyProblems(db.runtime)).resolves.toEqual([]);
    });

    it.each([
      ['FORCE is off', 'ALTER TABLE projects NO FORCE ROW LEVEL SECURITY', /projects does not FORCE/],
      [
        'RLS is off',
        'ALTER TABLE projects DISABLE ROW LEVEL SECURITY',
        /projects does not have row-level security/,
      ],
      [
        'the policy is gone',
        'DROP POLICY tenant_isolation ON projects',
        /projects has no row-level security policy/,
      ],
      ['tenants lacks FORCE', 'ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY', /tenants does not FORCE/],
      [
        'a policy lets every tenant read',
        'CREATE POLICY peek ON tenants FOR SELECT USING (true)',
        /tenants\.peek .* does not check app\.current_tenant_id/,
      ],
      [
        // What the tasks migration does, with the composite key replaced by a single-column one
        // (projects' own key leads with tenant_id, so the sabotage first makes id unique alone).
        'a foreign key between tenant tables leaves out tenant_id',
        `ALTER TABLE projects ADD CONSTRAINT projects_id_key UNIQUE (id);
         ALTER TABLE tasks DROP CONSTRAINT tasks_tenant_id_project_id_fkey;
         ALTER TABLE tasks ADD CONSTRAINT tasks_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id)`,
        /Foreign key tasks_project_id_fkey on tasks does not pair tenant_id with tenant_id/,
      ],
      [
        'a foreign key into tenants is not on tenant_id',
        `CREATE TABLE notes (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, author uuid REFERENCES tenants (id));
         ALTER TABLE notes ENABLE ROW LEVEL SECURITY`,
        /Foreign key notes_author_fkey on notes does not pair tenant_id/,
      ],
      [
        'a table with tenant_id references a tenant table by another column',
        'CREATE TABLE task_labels (task_id uuid NOT NULL, tenant_id uuid, tenant uuid, FOREIGN KEY (tenant, task_id) REFERENCES tasks (tenant_id, id))',
        /Foreign key task_labels_tenant_task_id_fkey on task_labels does not pair tenant_id/,
      ],
      [
        // Its key to tasks makes it a tenant table whatever its tenant column is called.
        'a table whose tenant column has another name references a tenant table',
        'CREATE TABLE task_labels (task_id uuid NOT NULL, tenant uuid, FOREIGN KEY (tenant, task_id) REFERENCES tasks (tenant_id, id))',
        /Table task_labels does not have row-level security enabled/,
      ],
      [
        'a table without a tenant column references a tenant table',
        `ALTER TABLE projects ADD CONSTRAINT projects_id_key UNIQUE (id);
         CREATE TABLE task_labels (task_id uuid NOT NULL, project_id uuid REFERENCES projects (id))`,
        /Foreign key task_labels_project_id_fkey on task_labels does not pair a tenant column with tenant_id of projects/,
      ],
      [
        'a new tenant table lacks RLS',
        'CREATE TABLE invoices (id uuid PRIMARY KEY, tenant_id uuid NOT NULL)',
        /invoices does not have row-level security/,
      ],
    ])('should report it when %s', async (_case, sabotage, problem) => {
      const client = await db.admin.connect();
      try {
        // A scratch transaction: the change is checked as the runtime role, then undone.
        await client.query('BEGIN');
        await client.query(sabotage);
        await client.query(`SET LOCAL ROLE ${RUNTIME_ROLE}`);
        const problems = await findRuntimeSafetyProblems(client);
        expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
        expect(problems.join('\n')).not.toMatch(/superuser/);
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    });

    it('should report an unmigrated database in words, not fail on the missing tables', async () => {
      // DATABASE_URL naming the wrong database: roles are cluster-wide, so the login still works.
      const database = scratchDatabaseName(readTestEnv(), 'empty');
      const maintenance = new Client({ connectionString: adminUrlFor('postgres') });
      await maintenance.connect();
      try {
        await maintenance.query(`CREATE DATABASE ${escapeIdentifier(database)}`);
      } finally {
        await maintenance.end();
      }
      const empty = new Client({ connectionString: adminUrlFor(database) });
      try {
        await empty.connect();
        await empty.query(`SET ROLE ${RUNTIME_ROLE}`);
        expect(await findRuntimeSafetyProblems(empty)).toEqual([
          'Table tenants does not exist in schema public; has the database been migrated?',
        ]);
      } finally {
        await empty.end();
        await dropTestDatabase(database);
      }
    });

    it('should report a superuser connection', async () => {
      const problems = await findRuntimeSafetyProblems(db.admin);
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/is a superuser/)]));
    });
  });

  describe(assertRuntimeSafety.name, () => {
    it('should refuse a superuser connection with every problem listed', async () => {
      const failure = assertRuntimeSafety(db.admin);
      await expect(failure).rejects.toBeInstanceOf(UnsafeDatabaseError);
      await expect(failure).rejects.toThrow(
        /^Refusing to start: the database does not isolate tenants:\n.*superuser/,
      );
    });

    it('should accept the runtime role', async () => {
      await expect(assertRuntimeSafety(db.runtime)).resolves.toBeUndefined();
    });
  });
});

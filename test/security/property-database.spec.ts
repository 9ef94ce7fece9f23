// Threat: a database that looks isolated but is not. Someone with the admin role (a hurried
// operator, a migration, an extension) adds an object that lets the runtime role around row-level
// security: a second permissive policy, a policy that mentions the tenant but does not bind it, a
// SECURITY DEFINER function or a view that reads as a role RLS does not bind, a tenant table one
// schema over or with its tenant column under another name, a role membership that carries
// BYPASSRLS, ownership, CREATE rights, large objects. Each class below is generated with its
// many members, set up as the admin in a transaction that is always rolled back, and checked as
// the runtime role: the worker's boot check (and db:migrate's) must name the object. A last
// property tries what isolates correctly, which the check must accept.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { findRuntimeSafetyProblems } from '../../libs/database/src/safety/runtime-safety.check';
import { useDatabase } from '../support/database';
import { readTestEnv, RUNTIME_ROLE } from '../support/test-env';

const RUNS = 25;
const GROUP = 'tenantry_runtime';
const SETTING = "NULLIF(current_setting('app.current_tenant_id', true), '')::uuid";

/** Tenant tables of the migrated schema and their tenant columns. */
const TABLES = [
  ['projects', 'tenant_id'],
  ['tasks', 'tenant_id'],
  ['inbox', 'tenant_id'],
  ['jobs', 'tenant_id'],
  ['tenants', 'id'],
] as const;
const tenantTable = fc.constantFrom(...TABLES);

/** Expressions that let more than the transaction's tenant through; some mention the setting. */
const LOOSE: ((column: string) => string)[] = [
  () => 'true',
  (c) => `${c} IS NOT NULL`,
  (c) => `${c} = ${SETTING} OR true`,
  (c) => `${c} = ${SETTING} OR current_setting('app.bypass', true) = 'on'`,
  () => "current_setting('app.current_tenant_id', true) IS NOT NULL",
  (c) => `${c} = ${SETTING} OR pg_has_role('${GROUP}', 'MEMBER')`,
];
const loose = fc.constantFrom(...LOOSE);

type Command = 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

function policySql(
  name: string,
  table: string,
  command: Command,
  to: string,
  expr: string,
  kind = 'PERMISSIVE',
) {
  const using = command === 'INSERT' ? '' : ` USING (${expr})`;
  const check = command === 'SELECT' || command === 'DELETE' ? '' : ` WITH CHECK (${expr})`;
  return `CREATE POLICY ${name} ON ${table} AS ${kind} FOR ${command} TO ${to}${using}${check}`;
}

/** A fresh name: roles are cluster-wide, and other runs may roll back the same names at once. */
const fresh = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

interface Hostile {
  setup: string[];
  expected: RegExp;
}

describe('the runtime check against ways around row-level security', () => {
  const db = useDatabase();
  const { database } = readTestEnv();

  /** Sets up as the admin, checks as the runtime role, and rolls everything back. */
  async function problemsAfter(setup: string[]): Promise<string[]> {
    const client = await db.admin.connect();
    try {
      await client.query('BEGIN');
      for (const sql of setup) await client.query(sql);
      await client.query(`SET LOCAL ROLE ${RUNTIME_ROLE}`);
      return await findRuntimeSafetyProblems(client);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  async function expectRefused({ setup, expected }: Hostile): Promise<void> {
    const problems = await problemsAfter(setup);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  }

  it('should find nothing wrong before anything is added', async () => {
    expect(await problemsAfter([])).toEqual([]);
  });

  it('should refuse any second permissive policy that applies to the runtime role', async () => {
    const extra = fc.record({
      table: tenantTable,
      command: fc.constantFrom<Command>('ALL', 'SELECT', 'INSERT', 'UPDATE', 'DELETE'),
      to: fc.constantFrom('PUBLIC', GROUP, RUNTIME_ROLE),
      // The tenant expression itself too: a duplicate is not a bypass, but only one may be permissive.
      expr: fc.oneof(
        loose,
        fc.constant((c: string) => `${c} = ${SETTING}`),
      ),
    });
    await fc.assert(
      fc.asyncProperty(extra, ({ table: [table, column], command, to, expr }) =>
        expectRefused({
          setup: [policySql('extra_door', table, command, to, expr(column))],
          expected: new RegExp(`^Table ${table} has 2 permissive policies that apply to "${RUNTIME_ROLE}"`),
        }),
      ),
      { numRuns: RUNS, examples: [[{ table: TABLES[0], command: 'SELECT', to: 'PUBLIC', expr: LOOSE[2] }]] },
    );
  });

  it('should refuse a tenant policy that mentions the tenant but does not bind it', async () => {
    const bent = fc.record({
      table: fc.constantFrom(...TABLES.slice(0, 4)),
      expr: loose,
      // Which clause is loose: the other keeps the exact tenant test.
      clause: fc.constantFrom('USING', 'WITH CHECK', 'both'),
    });
    await fc.assert(
      fc.asyncProperty(bent, ({ table: [table, column], expr, clause }) => {
        const exact = `${column} = ${SETTING}`;
        const using = clause === 'WITH CHECK' ? exact : expr(column);
        const check = clause === 'USING' ? exact : expr(column);
        return expectRefused({
          setup: [
            `DROP POLICY tenant_isolation ON ${table}`,
            `CREATE POLICY tenant_near ON ${table} FOR ALL USING (${using}) WITH CHECK (${check})`,
          ],
          expected: new RegExp(
            `^Policy ${table}\\.tenant_near applies to "${RUNTIME_ROLE}" but does not check`,
          ),
        });
      }),
      { numRuns: RUNS, examples: [[{ table: TABLES[0], expr: LOOSE[3], clause: 'both' }]] },
    );
  });

  it('should refuse a SECURITY DEFINER function owned by a role row-level security does not bind', async () => {
    const definer = fc.record({
      otherSchema: fc.boolean(),
      owner: fc.constantFrom(
        'superuser',
        'table owner',
        'bypassrls',
        'member of table owner',
        'member of bypassrls',
      ),
      language: fc.constantFrom('sql', 'plpgsql'),
    });
    await fc.assert(
      fc.asyncProperty(definer, ({ otherSchema, owner, language }) => {
        const schema = otherSchema ? fresh('s') : 'public';
        const fn = `${schema}.peek()`;
        const role = fresh('tenantry_test_definer');
        const body =
          language === 'sql'
            ? "'SELECT count(*) FROM public.projects'"
            : "'BEGIN RETURN (SELECT count(*) FROM public.projects); END'";
        const setup = [
          ...(otherSchema ? [`CREATE SCHEMA ${schema}`, `GRANT USAGE ON SCHEMA ${schema} TO ${GROUP}`] : []),
          `CREATE FUNCTION ${fn} RETURNS bigint LANGUAGE ${language} SECURITY DEFINER AS ${body}`,
        ];
        let ownerName = 'postgres';
        if (owner === 'table owner') ownerName = 'tenantry_owner';
        if (owner === 'bypassrls') setup.push(`CREATE ROLE ${(ownerName = role)} NOLOGIN BYPASSRLS`);
        if (owner.startsWith('member of')) {
          const held = owner === 'member of bypassrls' ? fresh('tenantry_test_bypass') : 'tenantry_owner';
          if (held !== 'tenantry_owner') setup.push(`CREATE ROLE ${held} NOLOGIN BYPASSRLS`);
          setup.push(`CREATE ROLE ${(ownerName = role)} NOLOGIN`, `GRANT ${held} TO ${role}`);
        }
        if (ownerName !== 'postgres') setup.push(`ALTER FUNCTION ${fn} OWNER TO ${ownerName}`);
        const shown = otherSchema ? `${schema}\\.peek\\(\\)` : 'peek\\(\\)';
        return expectRefused({
          setup,
          expected: new RegExp(`^Function ${shown} is SECURITY DEFINER, owned by "${ownerName}"`),
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('should refuse a view over tenant tables that reads with its owner\u2019s rights', async () => {
    const view = fc.record({
      kind: fc.constantFrom('view', 'security_invoker off', 'materialized'),
      otherSchema: fc.boolean(),
      owner: fc.constantFrom('postgres', 'tenantry_owner', 'a plain role'),
      source: fc.constantFrom('projects', 'tasks', 'tenants', 'a security_invoker view over projects'),
      // A view without tenant_id among its columns reads tenant rows all the same.
      columns: fc.constantFrom('*', 'id'),
    });
    await fc.assert(
      fc.asyncProperty(view, ({ kind, otherSchema, owner, source, columns }) => {
        const schema = otherSchema ? fresh('s') : 'public';
        const name = `${schema}.peek`;
        const setup = otherSchema
          ? [`CREATE SCHEMA ${schema}`, `GRANT USAGE ON SCHEMA ${schema} TO ${GROUP}`]
          : [];
        let from = `public.${source}`;
        if (source.startsWith('a security_invoker')) {
          from = `${schema}.inner_view`;
          setup.push(`CREATE VIEW ${from} WITH (security_invoker) AS SELECT * FROM public.projects`);
        }
        const object = kind === 'materialized' ? 'MATERIALIZED VIEW' : 'VIEW';
        const options = kind === 'security_invoker off' ? ' WITH (security_invoker = false)' : '';
        setup.push(
          `CREATE ${object} ${name}${options} AS SELECT ${columns} FROM ${from}`,
          `GRANT SELECT ON ${name} TO ${GROUP}`,
        );
        const role = owner === 'a plain role' ? fresh('tenantry_test_viewer') : owner;
        if (owner === 'a plain role') setup.push(`CREATE ROLE ${role} NOLOGIN`);
        if (role !== 'postgres') setup.push(`ALTER ${object} ${name} OWNER TO ${role}`);
        const shown = otherSchema ? `${schema}\\.peek` : 'peek';
        return expectRefused({
          setup,
          expected: new RegExp(`^View ${shown} over tenant tables can be read by "${RUNTIME_ROLE}"`),
        });
      }),
      {
        numRuns: RUNS,
        examples: [
          [{ kind: 'view', otherSchema: false, owner: 'postgres', source: 'tenants', columns: 'id' }],
        ],
      },
    );
  });

  it('should refuse a tenant table without row-level security wherever it is and whatever its tenant column is called', async () => {
    const table = fc.record({
      otherSchema: fc.boolean(),
      column: fc.constantFrom('tenant_id', 'org_id', 'tenant', '"Tenant Key"'),
      link: fc.constantFrom('tenants', 'projects', 'none'),
      granted: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(table, ({ otherSchema, column, link, granted }) => {
        const schema = otherSchema ? fresh('s') : 'public';
        const name = `${schema}.ledger`;
        const key =
          link === 'tenants'
            ? `, FOREIGN KEY (${column}) REFERENCES public.tenants (id)`
            : link === 'projects'
              ? `, FOREIGN KEY (${column}, project_id) REFERENCES public.projects (tenant_id, id)`
              : '';
        // Nothing ties an unlinked table to tenants but its tenant_id column, or the runtime's rights.
        const reachable = granted || (link === 'none' && column !== 'tenant_id');
        const setup = [
          ...(otherSchema ? [`CREATE SCHEMA ${schema}`] : []),
          `CREATE TABLE ${name} (id uuid PRIMARY KEY, ${column} uuid NOT NULL, project_id uuid${key})`,
          ...(reachable && otherSchema ? [`GRANT USAGE ON SCHEMA ${schema} TO ${GROUP}`] : []),
          ...(reachable ? [`GRANT SELECT ON ${name} TO ${GROUP}`] : []),
        ];
        const shown = otherSchema ? `${schema}\\.ledger` : 'ledger';
        return expectRefused({
          setup,
          expected: new RegExp(`^Table ${shown} does not have row-level security enabled\\.$`),
        });
      }),
      {
        numRuns: RUNS,
        examples: [[{ otherSchema: true, column: 'tenant_id', link: 'tenants', granted: true }]],
      },
    );
  });

  it('should refuse a membership, however indirect, in a role that escapes row-level security', async () => {
    const membership = fc.record({
      from: fc.constantFrom(RUNTIME_ROLE, GROUP),
      depth: fc.integer({ min: 0, max: 2 }),
      target: fc.constantFrom(
        'a superuser',
        'a BYPASSRLS role',
        'tenantry_owner',
        'pg_read_all_data',
        'pg_write_all_data',
        'pg_read_server_files',
        'pg_execute_server_program',
        'pg_monitor',
      ),
    });
    await fc.assert(
      fc.asyncProperty(membership, ({ from, depth, target }) => {
        const setup: string[] = [];
        let held: string = target;
        if (target === 'a superuser')
          setup.push(`CREATE ROLE ${(held = fresh('tenantry_test_super'))} NOLOGIN SUPERUSER`);
        if (target === 'a BYPASSRLS role')
          setup.push(`CREATE ROLE ${(held = fresh('tenantry_test_bypass'))} NOLOGIN BYPASSRLS`);
        const chain = Array.from({ length: depth }, () => fresh('tenantry_test_link'));
        chain.forEach((link) => setup.push(`CREATE ROLE ${link} NOLOGIN`));
        const path = [from, ...chain, held];
        for (let i = path.length - 1; i > 0; i--) setup.push(`GRANT ${path[i]} TO ${path[i - 1]}`);
        const shown = [...(from === GROUP ? [RUNTIME_ROLE] : []), ...path].join(' -> ');
        const expected =
          held === 'tenantry_owner'
            ? new RegExp(
                `^Role "${RUNTIME_ROLE}" owns through "tenantry_owner", a role it belongs to, .*table projects`,
              )
            : new RegExp(`^Role "${RUNTIME_ROLE}" belongs to "${held}" \\(${shown}\\)`);
        return expectRefused({ setup, expected });
      }),
      { numRuns: RUNS, examples: [[{ from: GROUP, depth: 1, target: 'a BYPASSRLS role' }]] },
    );
  });

  it.each<[string, (schema: string) => string[], RegExp]>([
    [
      'the database',
      () => [`ALTER DATABASE "${database}" OWNER TO ${RUNTIME_ROLE}`],
      /owns database tenantry_test/,
    ],
    ['a schema', (s) => [`CREATE SCHEMA ${s} AUTHORIZATION ${RUNTIME_ROLE}`], /owns schema s_/],
    [
      'a schema, through its group',
      (s) => [`CREATE SCHEMA ${s} AUTHORIZATION ${GROUP}`],
      /owns through "tenantry_runtime", a role it belongs to, schema s_/,
    ],
    [
      'a function the apps could be made to call',
      () => [
        "CREATE FUNCTION public.helper() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        `ALTER FUNCTION public.helper() OWNER TO ${RUNTIME_ROLE}`,
      ],
      /owns function helper\(\)/,
    ],
    [
      'a table in another schema',
      (s) => [
        `CREATE SCHEMA ${s}`,
        `CREATE TABLE ${s}.notes (id int)`,
        `ALTER TABLE ${s}.notes OWNER TO ${RUNTIME_ROLE}`,
      ],
      /owns table s_\w+\.notes/,
    ],
    [
      'CREATE on schema public',
      () => [`GRANT CREATE ON SCHEMA public TO ${GROUP}`],
      /may CREATE in schema public,/,
    ],
    [
      'CREATE on schema public for PUBLIC',
      () => ['GRANT CREATE ON SCHEMA public TO PUBLIC'],
      /may CREATE in schema public,/,
    ],
    [
      'CREATE on another schema',
      (s) => [`CREATE SCHEMA ${s}`, `GRANT CREATE ON SCHEMA ${s} TO ${RUNTIME_ROLE}`],
      /may CREATE in schema s_/,
    ],
    [
      'CREATE on the database',
      () => [`GRANT CREATE ON DATABASE "${database}" TO ${RUNTIME_ROLE}`],
      /may CREATE schemas in the database/,
    ],
    [
      'TEMPORARY on the database',
      () => [`GRANT TEMPORARY ON DATABASE "${database}" TO PUBLIC`],
      /may create TEMPORARY objects/,
    ],
    [
      'TRUNCATE on a tenant table',
      () => [`GRANT TRUNCATE ON tasks TO ${GROUP}`],
      /may TRUNCATE table tasks,/,
    ],
    [
      'TRIGGER on a tenant table',
      () => [`GRANT TRIGGER ON projects TO ${RUNTIME_ROLE}`],
      /may create triggers on table projects,/,
    ],
    ['lo_compat_privileges on', () => ['SET LOCAL lo_compat_privileges = on'], /lo_compat_privileges is on/],
  ])('should refuse ownership of or rights on %s', async (_case, setup, expected) => {
    await expectRefused({ setup: setup(fresh('s')), expected });
  });

  it('should refuse every way to create a large object, for any grantee', async () => {
    const grant = fc.record({
      fn: fc.constantFrom(
        'lo_create(oid)',
        'lo_creat(integer)',
        'lo_from_bytea(oid,bytea)',
        'lo_import(text)',
        'lo_import(text,oid)',
      ),
      to: fc.constantFrom('PUBLIC', GROUP, RUNTIME_ROLE),
    });
    await fc.assert(
      fc.asyncProperty(grant, ({ fn, to }) =>
        expectRefused({
          setup: [`GRANT EXECUTE ON FUNCTION ${fn} TO ${to}`],
          expected: new RegExp(
            `^Role "${RUNTIME_ROLE}" may create large objects \\(.*${fn.replace(/[()]/g, '\\$&')}`,
          ),
        }),
      ),
      { numRuns: 15 },
    );
  });

  it('should keep each problem on one line, whatever the names in the catalog hold', async () => {
    const problems = await problemsAfter([
      'CREATE TABLE "ledger\nTable projects is fine." (id uuid PRIMARY KEY, tenant_id uuid NOT NULL)',
    ]);
    expect(problems).toContain(
      'Table "ledger\\u000aTable projects is fine." does not have row-level security enabled.',
    );
    expect(problems.filter((p) => p.includes('\n'))).toEqual([]);
  });

  it('should accept what keeps tenants apart', async () => {
    const exact = (c: string) => `${c} = ${SETTING}`;
    const safe = fc.oneof(
      // Restrictive policies are AND-ed: they can only narrow.
      fc
        .record({ table: tenantTable, expr: loose })
        .map(({ table: [table, column], expr }) => [
          policySql('narrower', table, 'ALL', 'PUBLIC', expr(column), 'RESTRICTIVE'),
        ]),
      // A permissive policy for a role the runtime role is not, and cannot become.
      fc
        .record({ table: tenantTable, expr: loose })
        .map(({ table: [table, column], expr }) => [
          policySql('owners_only', table, 'ALL', 'tenantry_owner', expr(column)),
        ]),
      fc
        .constantFrom('projects', 'tasks', 'tenants')
        .map((source) => [
          `CREATE VIEW mine WITH (security_invoker) AS SELECT * FROM ${source}`,
          `GRANT SELECT ON mine TO ${GROUP}`,
        ]),
      fc.constant<string[]>([
        "CREATE FUNCTION plain_helper() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS 'SELECT 1::bigint'",
        'REVOKE EXECUTE ON FUNCTION plain_helper() FROM PUBLIC',
      ]),
      // A definer function whose owner neither bypasses row-level security nor owns a table.
      fc.constant(null).map(() => {
        const role = fresh('tenantry_test_plain');
        return [
          `CREATE ROLE ${role} NOLOGIN`,
          "CREATE FUNCTION plain_definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'",
          `ALTER FUNCTION plain_definer() OWNER TO ${role}`,
        ];
      }),
      // A tenant table done right, one schema over and with its tenant column under another name.
      fc.constantFrom('org_id', 'tenant', '"Tenant Key"').map((column) => {
        const schema = fresh('s');
        return [
          `CREATE SCHEMA ${schema}`,
          `GRANT USAGE ON SCHEMA ${schema} TO ${GROUP}`,
          `CREATE TABLE ${schema}.ledger (id uuid PRIMARY KEY, ${column} uuid NOT NULL REFERENCES public.tenants (id))`,
          `ALTER TABLE ${schema}.ledger ENABLE ROW LEVEL SECURITY`,
          `ALTER TABLE ${schema}.ledger FORCE ROW LEVEL SECURITY`,
          `CREATE POLICY tenant_isolation ON ${schema}.ledger USING (${exact(column)}) WITH CHECK (${exact(column)})`,
          `GRANT SELECT, INSERT ON ${schema}.ledger TO ${GROUP}`,
        ];
      }),
    );
    await fc.assert(
      fc.asyncProperty(safe, async (setup) => {
        expect(await problemsAfter(setup)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

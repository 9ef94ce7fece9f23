// Threat: a client sending values that JavaScript or PostgreSQL treat specially, to get a 500 or
// to have its input silently changed: bodies nested thousands of levels deep (the validators
// recurse), keys that name members of Object.prototype (`constructor`, `toString`, … were dropped
// without a word), strings that are not valid Unicode (stored as U+FFFD, so two names became one),
// and control characters. Each is a 400 that names the problem, at the gateway and in the worker,
// and nothing is written. Names, titles and descriptions are stored in NFC: two spellings of the
// same visible text are one name.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { JobView } from '@app/jobs';
import { ProjectPattern, ProjectView } from '@app/projects';
import type { TaskView } from '@app/tasks';
import { useBroker } from '../support/broker';
import { countProjectsNamed, projectsOf, tasksOf } from '../support/database';
import { send } from '../support/hostile-input';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

const JSON_TYPE = { 'content-type': 'application/json' };
const DEPTH_MESSAGE = 'body must not nest objects or arrays more than 20 levels deep';
/** Every key class-transformer or Nest's ValidationPipe used to drop silently. */
const RESERVED_KEYS = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];

interface Refusal {
  status: number;
  message: string | string[];
}

describe('hostile input values', () => {
  const stack = useStack();
  const broker = useBroker();
  let tenant: TenantSession;
  let project: ProjectView;
  let task: TaskView;

  beforeAll(async () => {
    tenant = await TenantSession.create(stack.baseUrl);
    project = (await tenant.request<ProjectView>('POST', '/projects', { name: `base-${randomUUID()}` })).body;
    task = (await tenant.request<TaskView>('POST', `/projects/${project.id}/tasks`, { title: 'base' })).body;
    expect(project.id && task.id).toBeTruthy();
  });

  /** Sends raw JSON text as the tenant; the answer's status and message. */
  async function sendRaw(method: string, path: string, text: string, type = JSON_TYPE): Promise<Refusal> {
    const res = await send(
      stack.baseUrl,
      method,
      path,
      { authorization: `Bearer ${tenant.token}`, ...type },
      text,
    );
    expect(res.status).toBeLessThan(500);
    const body = (res.text ? JSON.parse(res.text) : {}) as { message?: string | string[] };
    return { status: res.status, message: body.message ?? '' };
  }

  /** Every route that takes a body, with a valid body of its own that a field can be added to. */
  const bodyRoutes = (): [string, string, string, (field: string) => string][] => {
    const fresh = () => JSON.stringify(`fresh-${randomUUID()}`);
    return [
      ['create project', 'POST', '/projects', (f) => `{"name":${fresh()},${f}}`],
      ['update project', 'PATCH', `/projects/${project.id}`, (f) => `{"description":"d",${f}}`],
      ['create task', 'POST', `/projects/${project.id}/tasks`, (f) => `{"title":"t",${f}}`],
      ['update task', 'PATCH', `/projects/${project.id}/tasks/${task.id}`, (f) => `{"done":true,${f}}`],
      ['import item', 'POST', '/projects/import', (f) => `{"items":[{"name":${fresh()},${f}}]}`],
      [
        'import task',
        'POST',
        '/projects/import',
        (f) => `{"items":[{"name":${fresh()},"tasks":[{"title":"t",${f}}]}]}`,
      ],
    ];
  };

  /** Nothing was written: the tenant holds only its base project and task, and no job. */
  async function expectNothingWritten(): Promise<void> {
    expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual([project.name]);
    const tasks = await tasksOf(tenant.tenantId);
    expect(tasks.map((t) => [t.title, t.done])).toEqual([['base', false]]);
    expect((await tenant.request<{ items: JobView[] }>('GET', '/jobs')).body.items).toEqual([]);
    expect((await tenant.request<ProjectView>('GET', `/projects/${project.id}`)).body.description).toBeNull();
  }

  describe('deeply nested bodies', () => {
    const deepArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    const deepObjects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

    it.each([
      ['10,000 levels of arrays', deepArrays(10_000)],
      ['10,000 levels of objects', deepObjects(10_000)],
      ['21 levels of arrays, one past the limit', deepArrays(21)],
    ])('should answer 400 to a body of %s on every route, and write nothing', async (_case, deep) => {
      for (const [route, method, path] of bodyRoutes()) {
        expect({ route, ...(await sendRaw(method, path, deep)) }).toEqual({
          route,
          status: 400,
          message: [DEPTH_MESSAGE],
        });
      }
      await expectNothingWritten();
    });

    it('should answer 400 to a field nested 10,000 levels deep on every route, and write nothing', async () => {
      for (const [route, method, path, withField] of bodyRoutes()) {
        const res = await sendRaw(method, path, withField(`"extra":${deepArrays(10_000)}`));
        expect({ route, ...res }).toEqual({ route, status: 400, message: [DEPTH_MESSAGE] });
      }
      await expectNothingWritten();
    });

    it('should answer 400 to an import nested a million levels deep (its body limit is larger)', async () => {
      const res = await sendRaw('POST', '/projects/import', `{"items":${deepArrays(1_000_000)}}`);
      expect(res).toEqual({ status: 400, message: [DEPTH_MESSAGE] });
      await expectNothingWritten();
    });

    it('should still take the deepest legitimate body, an import with tasks', async () => {
      const other = await TenantSession.create(stack.baseUrl);
      const res = await other.request('POST', '/projects/import', {
        items: [{ name: 'deep enough', tasks: [{ title: 't', done: true }] }],
      });
      expect(res.status).toBe(202);
    });
  });

  describe('keys that are special to JavaScript', () => {
    const values = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant({}),
      fc.dictionary(fc.constantFrom('a', 'polluted', 'isAdmin'), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
    );

    it('should answer 400 to a reserved key on every route and at every depth, like any unknown field', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...RESERVED_KEYS), values, fc.nat(5), async (key, value, at) => {
          const [route, method, path, withField] = bodyRoutes()[at];
          const res = await sendRaw(
            method,
            path,
            withField(`${JSON.stringify(key)}:${JSON.stringify(value)}`),
          );
          expect({ route, key, status: res.status }).toEqual({ route, key, status: 400 });
          if (Array.isArray(res.message)) {
            expect(res.message.some((m) => m.endsWith(`property ${key} should not exist`))).toBe(true);
          } else {
            // Fastify's parser refuses an own __proto__ (and constructor.prototype) before anyone reads it.
            expect(['__proto__', 'constructor']).toContain(key);
            expect(res.message).toMatch(/not valid JSON/);
          }
        }),
        { numRuns: 150 },
      );
      await expectNothingWritten();
    });

    it.each(RESERVED_KEYS)('should answer 400 to %s in a query string or a form body', async (key) => {
      for (const path of ['/projects', '/jobs', `/projects/${project.id}/tasks`]) {
        const res = await send(stack.baseUrl, 'GET', `${path}?limit=5&${encodeURIComponent(key)}=x`, {
          authorization: `Bearer ${tenant.token}`,
        });
        expect({ path, status: res.status, text: res.text }).toEqual({
          path,
          status: 400,
          text: expect.stringContaining(`property ${key} should not exist`) as string,
        });
      }
      const form = await sendRaw(
        'POST',
        '/projects',
        `name=form-${randomUUID()}&${encodeURIComponent(key)}=x`,
        {
          'content-type': 'application/x-www-form-urlencoded',
        },
      );
      // The form parser refuses an own __proto__ itself.
      expect(form).toEqual({
        status: 400,
        message:
          key === '__proto__'
            ? 'Object contains forbidden prototype property'
            : [`property ${key} should not exist`],
      });
      await expectNothingWritten();
    });

    it('should have the worker dead-letter a signed command with a reserved key, at any depth, and apply nothing', async () => {
      for (const key of ['constructor', 'toString', '__proto__', 'prototype']) {
        const name = `signed-${key}-${randomUUID()}`;
        const data: unknown = JSON.parse(`{"name":"${name}","${key}":{"x":1}}`);
        const reply = await broker.requestSigned(ProjectPattern.Create, data, { tenantId: tenant.tenantId });
        expect(reply).toMatchObject({ err: { code: 'invalid_input' } });
        expect(await broker.deadLetterReason(name)).toMatch(
          new RegExp(`invalid payload: property ${key} should not exist`),
        );
        expect(await countProjectsNamed(name)).toBe(0);
      }
      const name = `signed-nested-${randomUUID()}`;
      broker.publishSigned(
        'projects.import.v1',
        JSON.parse(`{"items":[{"name":"${name}","tasks":[{"title":"t","valueOf":1}]}]}`),
        { tenantId: tenant.tenantId },
      );
      expect(await broker.deadLetterReason(name)).toMatch(
        /invalid payload: items\.0\.tasks\.0\.property valueOf should not exist/,
      );
      expect(await countProjectsNamed(name)).toBe(0);
    });
  });

  describe('strings that are not valid Unicode', () => {
    it.each([
      ['a lone high surrogate in a name', 'POST', '/projects', '{"name":"a\\ud800"}'],
      ['a lone low surrogate in a name', 'POST', '/projects', '{"name":"a\\udfff"}'],
      ['a lone surrogate in a description', 'POST', '/projects', '{"name":"ok-1","description":"\\udc00"}'],
      ['a lone surrogate in a new name', 'PATCH', '/projects/:p', '{"name":"\\ud83d"}'],
      ['a lone surrogate in a title', 'POST', '/projects/:p/tasks', '{"title":"\\ud800x"}'],
      ['a lone surrogate in a new title', 'PATCH', '/projects/:p/tasks/:t', '{"title":"x\\udbff"}'],
      ['a lone surrogate in an imported name', 'POST', '/projects/import', '{"items":[{"name":"\\ud800"}]}'],
      [
        'a lone surrogate in an imported title',
        'POST',
        '/projects/import',
        '{"items":[{"name":"ok-2","tasks":[{"title":"\\udfff"}]}]}',
      ],
    ])('should answer 400 to %s and store nothing', async (_case, method, template, text) => {
      const path = template.replace(':p', project.id).replace(':t', task.id);
      const res = await sendRaw(method, path, text);
      expect(res.status).toBe(400);
      expect(res.message).toEqual([
        expect.stringMatching(/must be valid Unicode \(it holds a lone surrogate\)$/),
      ]);
      await expectNothingWritten();
    });

    it('should answer 400 to any name holding a lone surrogate: two different ones never become the same name', async () => {
      const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
      const name = fc
        .tuple(fc.string({ maxLength: 10 }), loneSurrogate, fc.string({ maxLength: 10 }))
        .map(([before, lone, after]) => `${before}${lone}${after}`)
        // A high surrogate followed by a low one is a pair, not a lone half.
        .filter((s) => !/[\ud800-\udbff][\udc00-\udfff]/.test(s));
      await fc.assert(
        fc.asyncProperty(name, async (n) => {
          const res = await sendRaw('POST', '/projects', JSON.stringify({ name: n }));
          expect(res.status).toBe(400);
        }),
        { numRuns: 60 },
      );
      await expectNothingWritten();
    });

    it('should have the worker dead-letter a signed command holding a lone surrogate, and apply nothing', async () => {
      const marker = randomUUID();
      broker.publishSigned(ProjectPattern.Create, { name: `${marker}\ud800` }, { tenantId: tenant.tenantId });
      expect(await broker.deadLetterReason(marker)).toMatch(/invalid payload: name must be valid Unicode/);
      expect(await countProjectsNamed(`${marker}\ufffd`)).toBe(0);
    });
  });

  describe('Unicode normalisation (NFC)', () => {
    // The same visible text, spelled with precomposed characters and with combining ones.
    const spellings: [string, string, string][] = [
      ['an e with an acute accent', 'Caf\u00e9', 'Cafe\u0301'],
      ['a Hangul syllable', '\ud55c\uad6d', '\u1112\u1161\u11ab\u1100\u116e\u11a8'],
      ['an Angstrom sign', '\u00c5ngstr\u00f6m', '\u212bngstro\u0308m'],
    ];

    it.each(spellings)(
      'should store %s in NFC and answer 409 to its other spelling',
      async (_case, composed, decomposed) => {
        const other = await TenantSession.create(stack.baseUrl);
        const suffix = randomUUID();
        const first = await other.request<ProjectView>('POST', '/projects', {
          name: `${decomposed} ${suffix}`,
          description: `${decomposed} d`,
        });
        expect(first.status).toBe(201);
        expect(first.body.name).toBe(`${composed} ${suffix}`);
        const second = await other.request('POST', '/projects', { name: `${composed} ${suffix}` });
        expect(second.status).toBe(409);

        const stored = await projectsOf(other.tenantId);
        expect(stored.map((p) => [p.name, p.description])).toEqual([
          [`${composed} ${suffix}`, `${composed} d`],
        ]);
        expect(stored[0].name).toBe(stored[0].name.normalize('NFC'));
      },
    );

    it('should answer 409 to a rename into another spelling of an existing name', async () => {
      const other = await TenantSession.create(stack.baseUrl);
      await other.request('POST', '/projects', { name: 'Caf\u00e9' });
      const second = await other.request<ProjectView>('POST', '/projects', { name: 'Tea' });
      const renamed = await other.request('PATCH', `/projects/${second.body.id}`, { name: 'Cafe\u0301' });
      expect(renamed.status).toBe(409);
      expect((await projectsOf(other.tenantId)).map((p) => p.name)).toEqual(['Caf\u00e9', 'Tea']);
    });

    it('should store task titles in NFC', async () => {
      const created = await tenant.request<TaskView>('POST', `/projects/${project.id}/tasks`, {
        title: 'r\u00e9sum\u00e9'.normalize('NFD'),
      });
      expect(created.body.title).toBe('r\u00e9sum\u00e9');
      const stored = (await tasksOf(tenant.tenantId)).find((t) => t.id === created.body.id);
      expect(stored?.title).toBe('r\u00e9sum\u00e9');
      expect(
        (await tenant.request('DELETE', `/projects/${project.id}/tasks/${created.body.id}`)).status,
      ).toBe(204);
    });

    it('should count two spellings in one import as a conflict, and store the name in NFC', async () => {
      const other = await TenantSession.create(stack.baseUrl);
      const res = await other.request<{ jobId: string }>('POST', '/projects/import', {
        items: [{ name: 'Cafe\u0301', tasks: [{ title: 'cre\u0300me' }] }, { name: 'Caf\u00e9' }],
      });
      expect(res.status).toBe(202);
      const job = await waitFor(
        async () => {
          const { body } = await other.request<JobView>('GET', `/jobs/${res.body.jobId}`);
          return body.status === 'succeeded' && body;
        },
        30_000,
        'the import',
      );
      expect(job.result).toMatchObject({ imported: 1, conflicts: 1 });
      expect((await projectsOf(other.tenantId)).map((p) => p.name)).toEqual(['Caf\u00e9']);
      expect((await tasksOf(other.tenantId)).map((t) => t.title)).toEqual(['cr\u00e8me']);
    });

    it('should have the worker normalise a signed command too', async () => {
      const other = await TenantSession.create(stack.baseUrl);
      const suffix = randomUUID();
      broker.publishSigned(
        ProjectPattern.Create,
        { name: `Cafe\u0301 ${suffix}` },
        { tenantId: other.tenantId },
      );
      await waitFor(async () => (await projectsOf(other.tenantId)).length === 1, 10_000, 'the project');
      expect((await projectsOf(other.tenantId))[0].name).toBe(`Caf\u00e9 ${suffix}`);
    });
  });

  describe('control characters', () => {
    it.each([
      ['a line feed in a name', 'POST', '/projects', { name: 'two\nlines' }],
      ['a carriage return in a name', 'POST', '/projects', { name: 'forged\r' }],
      ['a tab in a name', 'POST', '/projects', { name: 'a\tb' }],
      ['a terminal escape in a name', 'POST', '/projects', { name: '\u001b[2Jcleared' }],
      ['DEL in a name', 'POST', '/projects', { name: 'a\u007f' }],
      ['a C1 control in a name', 'POST', '/projects', { name: 'a\u0085b' }],
      ['NUL in a description', 'POST', '/projects', { name: 'ok-3', description: 'a\u0000' }],
      [
        'a terminal escape in a description',
        'POST',
        '/projects',
        { name: 'ok-4', description: '\u001b[31m' },
      ],
      ['a line feed in a new name', 'PATCH', '/projects/:p', { name: 'x\ny' }],
      ['a bell in a title', 'POST', '/projects/:p/tasks', { title: 'ding\u0007' }],
      ['a line feed in a new title', 'PATCH', '/projects/:p/tasks/:t', { title: 'x\ny' }],
      ['a line feed in an imported name', 'POST', '/projects/import', { items: [{ name: 'x\ny' }] }],
    ])('should answer 400 to %s and store nothing', async (_case, method, template, body) => {
      const path = template.replace(':p', project.id).replace(':t', task.id);
      const res = await sendRaw(method, path, JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.message)).toMatch(/must not contain control characters/);
      await expectNothingWritten();
    });

    it('should keep tabs and line breaks in a description', async () => {
      const other = await TenantSession.create(stack.baseUrl);
      const description = 'line 1\r\nline 2\n\tindented';
      const res = await other.request<ProjectView>('POST', '/projects', { name: 'multiline', description });
      expect(res.status).toBe(201);
      expect((await projectsOf(other.tenantId))[0].description).toBe(description);
    });
  });
});

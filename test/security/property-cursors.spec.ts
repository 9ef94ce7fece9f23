// Threat: a client that hands back a cursor of its own making. A cursor is opaque: base64url of the
// last row's (createdAt, id). Whatever it decodes to (a date PostgreSQL cannot hold, year 0, a BC
// year, NaN, another date format, a non-uuid id, bytes that are not UTF-8, another base64 spelling),
// every list route answers a valid page or 400 `cursor is not valid`: never a 5xx. The worker
// refuses the same cursors itself, as a client error, before any transaction, and dead-letters none.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { JobPattern } from '@app/jobs';
import { ProjectPattern, ProjectView } from '@app/projects';
import { TaskPattern } from '@app/tasks';
import { useBroker } from '../support/broker';
import { send } from '../support/hostile-input';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const RUNS = 120;
const INVALID = { statusCode: 400, message: 'cursor is not valid', error: 'Bad Request' };

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** Dates as toISOString writes them, over all JavaScript holds (±275,760 years), and NaN. */
const anyIso = fc
  .date({ noInvalidDate: false })
  .map((d) => (Number.isNaN(d.getTime()) ? 'NaN' : d.toISOString()));
/** Dates as a row of ours can have them: years 0001–9999. */
const storableDate = fc.date({
  min: new Date('0001-01-01T00:00:00.000Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  // fast-check 4 also makes `new Date(NaN)` unless told not to; it has no ISO form to encode.
  noInvalidDate: true,
});
const otherDateForms = fc.oneof(
  fc.constantFrom(
    '0000-01-01T00:00:00.000Z',
    '-000001-01-01T00:00:00.000Z',
    '-004713-11-24T00:00:00.000Z',
    '+294277-01-01T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '2024-05-06',
    '2024-05-06T07:08:09Z',
    '2024-05-06T07:08:09.123+02:00',
    '2024-02-30T00:00:00.000Z',
    'Infinity',
    'infinity',
    '-infinity',
    'epoch',
    'now',
    '1714979289123',
  ),
  fc.string({ maxLength: 30 }),
);
const ids = fc.oneof(fc.uuid(), fc.constant('42'), fc.string({ maxLength: 40 }), fc.constant("' OR 1=1 --"));

/** Cursors of every kind; `valid` marks the ones that are ours in every respect. */
const cursors: fc.Arbitrary<{ cursor: string; valid?: boolean }> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(anyIso, fc.uuid()).map(([iso, id]) => ({ cursor: base64url(`${iso}|${id}`) })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(storableDate, fc.uuid())
      .map(([d, id]) => ({ cursor: base64url(`${d.toISOString()}|${id}`), valid: true })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(anyIso, otherDateForms), ids, fc.constantFrom('|', ';', '||', ''))
      .map(([iso, id, sep]) => ({ cursor: base64url(`${iso}${sep}${id}`) })),
  },
  // Our own positions spelled another way: standard base64, padding, white space, junk.
  {
    weight: 1,
    arbitrary: fc
      .tuple(storableDate, fc.uuid(), fc.constantFrom('base64', 'padded', 'space', 'dot'))
      .map(([d, id, how]) => {
        const text = `${d.toISOString()}|${id}`;
        const ours = base64url(text);
        const cursor = {
          base64: Buffer.from(text).toString('base64'),
          padded: `${ours}=`,
          space: ` ${ours}`,
          dot: `${ours.slice(0, 4)}.${ours.slice(4)}`,
        }[how];
        return { cursor, valid: cursor === ours };
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 90 })
      .map((bytes) => ({ cursor: Buffer.from(bytes).toString('base64url') })),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }).map((cursor) => ({ cursor })) },
  { weight: 1, arbitrary: fc.string({ minLength: 201, maxLength: 400 }).map((cursor) => ({ cursor })) },
);

describe('hostile cursors on every list route', () => {
  const stack = useStack();
  const broker = useBroker();
  let tenant: TenantSession;
  let project: ProjectView;

  beforeAll(async () => {
    tenant = await TenantSession.create(stack.baseUrl);
    project = (await tenant.request<ProjectView>('POST', '/projects', { name: `own-${randomUUID()}` })).body;
    expect(project.id).toBeDefined();
    await tenant.request('POST', `/projects/${project.id}/tasks`, { title: 'a task' });
  });

  const routes = () => [
    ['projects', '/projects'],
    ['tasks', `/projects/${project.id}/tasks`],
    ['jobs', '/jobs?status=queued'],
  ];

  it.each([
    ['year 0', `0000-01-01T00:00:00.000Z|${randomUUID()}`],
    ['a BC year', `-000001-01-01T00:00:00.000Z|${randomUUID()}`],
    ['a year past PostgreSQL', `+294277-01-01T00:00:00.000Z|${randomUUID()}`],
    ['NaN', `NaN|${randomUUID()}`],
    ['a date without milliseconds', `2024-05-06T07:08:09Z|${randomUUID()}`],
    ['a non-uuid id', '2024-05-06T07:08:09.123Z|42'],
  ])(
    'should answer 400 `cursor is not valid` to a cursor with %s on every list route',
    async (_case, text) => {
      for (const [, path] of routes()) {
        const separator = path.includes('?') ? '&' : '?';
        const res = await tenant.request(`GET`, `${path}${separator}cursor=${base64url(text)}`);
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 400, body: INVALID });
      }
    },
  );

  it('should answer any cursor with a page or 400 `cursor is not valid`, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(cursors, fc.constantFrom(0, 1, 2), async ({ cursor, valid }, route) => {
        const [, path] = routes()[route];
        let query: string;
        try {
          query = encodeURIComponent(cursor);
        } catch {
          return; // a lone surrogate has no URL form: no client can send it
        }
        const separator = path.includes('?') ? '&' : '?';
        const res = await send(stack.baseUrl, 'GET', `${path}${separator}cursor=${query}`, {
          authorization: `Bearer ${tenant.token}`,
        });
        expect(res.status).toBeLessThan(500);
        if (valid) expect(res.status).toBe(200);
        if (res.status === 400) expect(JSON.parse(res.text)).toEqual(INVALID);
        else {
          expect(res.status).toBe(200);
          expect(JSON.parse(res.text)).toEqual({ items: expect.any(Array), nextCursor: null });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('should have the worker answer a signed list with such a cursor as a client error, and dead-letter nothing', async () => {
    const cursor = base64url(`0000-01-01T00:00:00.000Z|${randomUUID()}`);
    const bc = base64url(`-000001-01-01T00:00:00.000Z|${randomUUID()}`);
    const commands: [string, object][] = [
      [ProjectPattern.List, { cursor }],
      [TaskPattern.List, { projectId: project.id, cursor: bc }],
      [JobPattern.List, { cursor, status: 'failed' }],
    ];
    for (const [pattern, data] of commands) {
      const reply = await broker.requestSigned(pattern, data, { tenantId: tenant.tenantId });
      expect({ pattern, reply }).toMatchObject({
        pattern,
        reply: { err: { code: 'invalid_input', message: 'cursor is not valid' } },
      });
    }
    expect(await broker.drainDeadLetters([tenant.tenantId])).toEqual([]);
  });
});

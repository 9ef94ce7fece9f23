// Threat: a hostile client (or another tenant) sending whatever it likes over HTTP: bodies of the
// wrong shape or size, a tenantId of its own choosing, ids that look like SQL or paths, junk query
// strings, forged or malformed tokens, odd content types. Properties checked against the real
// gateway, broker, worker and database: bad input never becomes a 5xx, input outside the contract
// is always a 4xx, and no response to tenant B (or to nobody) ever mentions tenant A's data.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import { sign } from 'jsonwebtoken';
import type { ProjectView } from '@app/projects';
import { startStack, Stack } from '../support/stack';
import { closeAdmin, projectsOf, StoredProject, TenantSession, tokenFor } from '../support/tenant-session';

/** Runs per property; their sum is what a report should quote. */
const RUNS = {
  create: 150,
  list: 150,
  getById: 150,
  update: 150,
  deleteById: 150,
  junkAuth: 150,
  junkContentType: 100,
} as const;
export const TOTAL_PROPERTY_RUNS = Object.values(RUNS).reduce((sum, runs) => sum + runs, 0);

// What class-validator's @IsUUID() accepts: versions 1–8, RFC variant, nil and max.
const ACCEPTED_UUID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;

interface RawResponse {
  status: number;
  text: string;
}

/** Sends exactly these bytes and headers; fetch adds nothing but Host, Content-Length and the like. */
async function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  return { status: res.status, text: await res.text() };
}

/**
 * The body as the gateway would parse it, or undefined when it would not. Nest's Fastify adapter
 * also parses urlencoded forms (harmless here: a bearer token, not a cookie, authenticates).
 */
function parseAsGateway(contentType: string, raw: string): unknown {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return { ...parseQuery(raw) };
  if (mediaType !== 'application/json') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * False when the body is certainly outside the create/update contract; true when it might be
 * inside (string lengths are left to the server, which counts them its own way).
 */
function mightBeValidBody(body: unknown, nameRequired: boolean): boolean {
  if (!isPlainObject(body)) return false;
  if (Object.keys(body).some((key) => key !== 'name' && key !== 'description')) return false;
  const { name, description } = body;
  if (nameRequired && name === undefined) return false;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || !/\S/.test(name))) return false;
  if (name !== undefined && name.length > 400) return false;
  if (description !== undefined && description !== null && typeof description !== 'string') return false;
  return true;
}

const printableAscii = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const sqlish = fc.constantFrom(
  "' OR 1=1 --",
  "'; DROP TABLE projects; --",
  "1' UNION SELECT * FROM tenants --",
  '*',
  '%',
  "x'||pg_sleep(1)||'",
  '$1',
  '\\x00',
);
const traversal = fc.constantFrom(
  '..%2f..%2fhealth',
  '../../health',
  '..\\..\\',
  '%2e%2e%2f',
  '....//',
  '.%00.',
);

const junkString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  sqlish,
  traversal,
  fc.string({ minLength: 201, maxLength: 3000 }),
);

describe('hostile input against the projects API', () => {
  let stack: Stack;
  let tenantA: TenantSession;
  let tenantB: TenantSession;
  let projectsOfA: ProjectView[];
  let storedOfA: StoredProject[];
  let secrets: string[];

  beforeAll(async () => {
    stack = await startStack();
    [tenantA, tenantB] = await Promise.all([
      TenantSession.create(stack.baseUrl),
      TenantSession.create(stack.baseUrl),
    ]);
    projectsOfA = [];
    for (let i = 0; i < 3; i++) {
      const created = await tenantA.request<ProjectView>('POST', '/projects', {
        name: `secret-of-a-${i}-${randomBytes(6).toString('hex')}`,
        description: `hidden-description-${randomBytes(6).toString('hex')}`,
      });
      expect(created.status).toBe(201);
      projectsOfA.push(created.body);
    }
    storedOfA = await projectsOf(tenantA.tenantId);
    // Compared lower-cased: an id upper-cased in a reply is still a leak.
    secrets = [tenantA.tenantId, ...projectsOfA.flatMap((p) => [p.id, p.name, p.description ?? ''])].map(
      (s) => s.toLowerCase(),
    );
  });

  afterAll(async () => {
    await stack.close();
    await closeAdmin();
  });

  function leaked(response: RawResponse): string[] {
    const text = response.text.toLowerCase();
    return secrets.filter((secret) => text.includes(secret));
  }

  /** The checks every response must pass, whatever was sent. */
  function expectSafe(response: RawResponse): void {
    expect(response.status).toBeLessThan(500);
    expect(leaked(response)).toEqual([]);
  }

  function expectClientError(response: RawResponse): void {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  }

  const asB = (extra: Record<string, string> = {}): Record<string, string> => ({
    authorization: `Bearer ${tenantB.token}`,
    ...extra,
  });
  const json = { 'content-type': 'application/json' };

  /** JSON bodies: contract-shaped, near misses, a smuggled tenantId, and anything at all. */
  const bodies = (nameRequired: boolean) =>
    fc.oneof(
      fc.record(
        { name: fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), junkString), description: junkString },
        { requiredKeys: nameRequired ? ['name'] : [] },
      ),
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 30 }),
        tenantId: fc.constant(tenantA.tenantId),
      }),
      fc.record({ name: fc.anything(), description: fc.anything() }, { requiredKeys: [] }),
      fc.record({ name: fc.string({ minLength: 1, maxLength: 30 }), nested: fc.object() }),
      fc.constant({ name: 'x'.repeat(201) }),
      fc.constant({ name: 'big', description: 'y'.repeat(70_000) }),
      fc.object(),
      fc.jsonValue(),
    );

  /** Ids for the :id routes: A's own ids (also upper-cased), fresh uuids, and junk. */
  const ids = () =>
    fc.oneof(
      fc.constantFrom(...projectsOfA.map((p) => p.id)),
      fc.constantFrom(...projectsOfA.map((p) => p.id.toUpperCase())),
      fc.constant(tenantA.tenantId),
      fc.uuid(),
      junkString.filter((s) => s.length > 0),
    );

  it('should reject or accept a create from B without a 5xx or a trace of A', async () => {
    await fc.assert(
      fc.asyncProperty(bodies(true), async (body) => {
        const response = await send(stack.baseUrl, 'POST', '/projects', asB(json), JSON.stringify(body));
        expectSafe(response);
        if (!mightBeValidBody(body, true)) expectClientError(response);
        else expect([201, 400, 409, 413]).toContain(response.status);
      }),
      {
        numRuns: RUNS.create,
        // Found by this property: PostgreSQL text cannot hold U+0000, the validator lets it through,
        // and the gateway answers 500. Kept as fixed examples until the contract rejects it.
        examples: [[{ name: '\u0000' }], [{ name: 'ok', description: 'a\u0000b' }]],
      },
    );
  });

  it('should answer a list from B with junk limits and cursors without a 5xx or a trace of A', async () => {
    const limit = fc.oneof(
      fc.integer({ min: -5, max: 200 }).map(String),
      junkString,
      fc.double().map(String),
    );
    const cursor = fc.oneof(
      junkString,
      fc.base64String({ maxLength: 120 }),
      // A well-formed cursor that points into A's rows must still only page through B's.
      fc.constantFrom(...projectsOfA).map((p) => Buffer.from(`${p.createdAt}|${p.id}`).toString('base64url')),
    );
    const query = fc.record(
      {
        limit: fc.option(limit, { nil: undefined }),
        cursor: fc.option(cursor, { nil: undefined }),
        extra: fc.option(fc.tuple(fc.constantFrom('tenantId', 'limit', 'x', 'cursor[]'), junkString), {
          nil: undefined,
        }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(query, async ({ limit: l, cursor: c, extra }) => {
        const pairs: [string, string][] = [];
        if (l !== undefined) pairs.push(['limit', l]);
        if (c !== undefined) pairs.push(['cursor', c]);
        if (extra !== undefined) pairs.push(extra);
        const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const response = await send(stack.baseUrl, 'GET', `/projects${qs ? `?${qs}` : ''}`, asB());
        expectSafe(response);
        const n = l === undefined ? 20 : Number(l);
        const limitInvalid = l !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 100);
        if (extra !== undefined || limitInvalid || (c !== undefined && c.length > 200)) {
          expectClientError(response);
        } else {
          expect([200, 400]).toContain(response.status);
        }
      }),
      { numRuns: RUNS.list },
    );
  });

  it('should answer a get by id from B with 404 for A ids and 400 for junk, never a trace of A', async () => {
    await fc.assert(
      fc.asyncProperty(ids(), async (id) => {
        const response = await send(stack.baseUrl, 'GET', `/projects/${encodeURIComponent(id)}`, asB());
        expectSafe(response);
        // A's ids answer exactly like unknown ones; junk is a 400, or a 414 past the router's param limit.
        if (ACCEPTED_UUID.test(id)) expect(response.status).toBe(404);
        else expect([400, 414]).toContain(response.status);
      }),
      { numRuns: RUNS.getById },
    );
  });

  it('should answer an update from B like a missing project, never touching A', async () => {
    await fc.assert(
      fc.asyncProperty(ids(), bodies(false), async (id, body) => {
        const path = `/projects/${encodeURIComponent(id)}`;
        const response = await send(stack.baseUrl, 'PATCH', path, asB(json), JSON.stringify(body));
        expectSafe(response);
        if (!ACCEPTED_UUID.test(id) || !mightBeValidBody(body, false)) expectClientError(response);
        else expect([400, 404, 413, 414]).toContain(response.status);
      }),
      {
        numRuns: RUNS.update,
        // Found by this property: @IsOptional() lets null through, Prisma then refuses it, and the
        // gateway answers 500. Kept as a fixed example so the run fails every time until it is fixed.
        examples: [['00000000-0000-1000-8000-000000000000', { name: null }]],
      },
    );
  });

  it('should answer a delete from B like a missing project, never touching A', async () => {
    await fc.assert(
      fc.asyncProperty(ids(), async (id) => {
        const response = await send(stack.baseUrl, 'DELETE', `/projects/${encodeURIComponent(id)}`, asB());
        expectSafe(response);
        // A's ids answer exactly like unknown ones; junk is a 400, or a 414 past the router's param limit.
        if (ACCEPTED_UUID.test(id)) expect(response.status).toBe(404);
        else expect([400, 414]).toContain(response.status);
      }),
      { numRuns: RUNS.deleteById },
    );
  });

  it('should answer 401 to missing, malformed and forged tokens on every route', async () => {
    const secret = process.env.JWT_SECRET ?? '';
    const claims = { tenantId: tenantA.tenantId, sub: 'attacker' };
    const validForA = tokenFor(tenantA.tenantId);
    const forged = fc.constantFrom(
      // Signed with another key, alg none, expired, and A's real token with its signature cut off.
      sign(claims, 'not-the-secret-not-the-secret-not-the-secret', { algorithm: 'HS256', expiresIn: '5m' }),
      sign(claims, '', { algorithm: 'none' }),
      sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 }, secret, { algorithm: 'HS256' }),
      sign({ tenantId: "' OR 1=1 --", sub: 'attacker' }, secret, { algorithm: 'HS256', expiresIn: '5m' }),
      validForA.slice(0, validForA.lastIndexOf('.') + 1),
      `${validForA.slice(0, validForA.lastIndexOf('.') + 1)}${'A'.repeat(43)}`,
    );
    const authorization = fc.oneof(
      fc.constant(undefined),
      printableAscii(80),
      printableAscii(80).map((s) => `Bearer ${s}`),
      forged.map((t) => `Bearer ${t}`),
      forged.map((t) => `Basic ${t}`),
    );
    const route = fc.oneof(
      fc.constant({ method: 'POST', path: '/projects', body: JSON.stringify({ name: 'x' }) }),
      fc.constant({ method: 'GET', path: '/projects', body: undefined }),
      fc
        .constantFrom(...projectsOfA)
        .chain((p) =>
          fc.constantFrom(
            { method: 'GET', path: `/projects/${p.id}`, body: undefined },
            { method: 'PATCH', path: `/projects/${p.id}`, body: JSON.stringify({ name: 'stolen' }) },
            { method: 'DELETE', path: `/projects/${p.id}`, body: undefined },
          ),
        ),
    );
    await fc.assert(
      fc.asyncProperty(authorization, route, async (auth, { method, path, body }) => {
        const headers: Record<string, string> = body === undefined ? {} : { ...json };
        if (auth !== undefined) headers.authorization = auth;
        const response = await send(stack.baseUrl, method, path, headers, body);
        expectSafe(response);
        expect(response.status).toBe(401);
      }),
      { numRuns: RUNS.junkAuth },
    );
  });

  it('should answer a 4xx to bodies that are not JSON objects, whatever their content type', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=utf-999',
        'application/json',
        '',
      ),
      printableAscii(40),
    );
    const body = fc.oneof(
      printableAscii(200),
      fc.constantFrom(
        '{',
        '{"name":',
        'null',
        '[]',
        '"name"',
        '42',
        'true',
        '{"__proto__":{"x":1}}',
        'name=x',
      ),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
    );
    const target = fc.oneof(
      fc.constant({ method: 'POST', path: '/projects' }),
      fc.constantFrom(...projectsOfA).map((p) => ({ method: 'PATCH', path: `/projects/${p.id}` })),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, target, async (type, raw, { method, path }) => {
        const response = await send(stack.baseUrl, method, path, asB({ 'content-type': type }), raw);
        expectSafe(response);
        if (!mightBeValidBody(parseAsGateway(type, raw), method === 'POST')) expectClientError(response);
      }),
      { numRuns: RUNS.junkContentType },
    );
  });

  it('should have left every project of A exactly as it was', async () => {
    expect(await projectsOf(tenantA.tenantId)).toEqual(storedOfA);
    const stolen = await tenantA.request<{ items: ProjectView[] }>('GET', '/projects?limit=100');
    expect(stolen.body.items.map((p) => p.id).sort()).toEqual(projectsOfA.map((p) => p.id).sort());
  });
});

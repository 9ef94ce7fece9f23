// Threat: a hostile client (or another tenant) sending whatever it likes over HTTP: bodies of the
// wrong shape or size, a tenantId of its own choosing, ids that look like SQL or paths, junk query
// strings, forged or malformed tokens, odd content types. Properties checked against the real
// gateway, broker, worker and database: bad input never becomes a 5xx, input outside the contract
// is always a 4xx, and no response to tenant B (or to nobody) ever mentions tenant A's data.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import type { ProjectView } from '@app/projects';
import { projectsOf, StoredProject } from '../support/database';
import {
  ACCEPTED_UUID,
  junkSegment,
  junkString,
  mightBeValidBody,
  parseAsGateway,
  printableAscii,
  RawResponse,
  send,
} from '../support/hostile-input';
import { useStack } from '../support/stack';
import { TenantSession, tokenFor } from '../support/tenant-session';

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

describe('hostile input against the projects API', () => {
  const stack = useStack();
  let tenantA: TenantSession;
  let tenantB: TenantSession;
  let projectsOfA: ProjectView[];
  let storedOfA: StoredProject[];
  let secrets: string[];

  beforeAll(async () => {
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
      junkSegment,
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
      junkSegment,
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

// Threat: a hostile client (or another tenant) sending whatever it likes over HTTP: bodies of the
// wrong shape or size, a tenantId of its own choosing, ids that look like SQL or paths, junk query
// strings, forged or malformed tokens, odd content types. Properties checked against the real
// gateway, broker, worker and database: bad input never becomes a 5xx, input outside the contract
// is always a 4xx, and no response to tenant B (or to nobody) ever mentions tenant A's data.
import fc from 'fast-check';
import { ACCEPTED_UUID, junkSegment, junkString, mightBeValidBody, send } from '../support/hostile-input';
import { expectClientError, JSON_TYPE, useHostileScene } from '../support/hostile-scene';
import { useStack } from '../support/stack';

/** Runs per property (the headers properties are in property-headers.spec.ts). */
const RUNS = { create: 150, list: 150, getById: 150, update: 150, deleteById: 150 } as const;

describe('hostile input against the projects API', () => {
  const stack = useStack();
  const scene = useHostileScene(stack);

  /** JSON bodies: contract-shaped, near misses, a smuggled tenantId, and anything at all. */
  const bodies = (nameRequired: boolean) =>
    fc.oneof(
      fc.record(
        { name: fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), junkString), description: junkString },
        { requiredKeys: nameRequired ? ['name'] : [] },
      ),
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 30 }),
        tenantId: fc.constant(scene.a.tenantId),
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
      fc.constantFrom(...scene.projectsOfA.map((p) => p.id)),
      fc.constantFrom(...scene.projectsOfA.map((p) => p.id.toUpperCase())),
      fc.constant(scene.a.tenantId),
      fc.uuid(),
      junkSegment,
    );

  it('should reject or accept a create from B without a 5xx or a trace of A', async () => {
    await fc.assert(
      fc.asyncProperty(bodies(true), async (body) => {
        const response = await send(
          stack.baseUrl,
          'POST',
          '/projects',
          scene.asB(JSON_TYPE),
          JSON.stringify(body),
        );
        scene.expectSafe(response);
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
      fc
        .constantFrom(...scene.projectsOfA)
        .map((p) => Buffer.from(`${p.createdAt}|${p.id}`).toString('base64url')),
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
        const response = await send(stack.baseUrl, 'GET', `/projects${qs ? `?${qs}` : ''}`, scene.asB());
        scene.expectSafe(response);
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
        const response = await send(stack.baseUrl, 'GET', `/projects/${encodeURIComponent(id)}`, scene.asB());
        scene.expectSafe(response);
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
        const response = await send(stack.baseUrl, 'PATCH', path, scene.asB(JSON_TYPE), JSON.stringify(body));
        scene.expectSafe(response);
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
        const response = await send(
          stack.baseUrl,
          'DELETE',
          `/projects/${encodeURIComponent(id)}`,
          scene.asB(),
        );
        scene.expectSafe(response);
        // A's ids answer exactly like unknown ones; junk is a 400, or a 414 past the router's param limit.
        if (ACCEPTED_UUID.test(id)) expect(response.status).toBe(404);
        else expect([400, 414]).toContain(response.status);
      }),
      { numRuns: RUNS.deleteById },
    );
  });

  it('should have left every project of A exactly as it was', () => scene.expectAUnchanged());
});

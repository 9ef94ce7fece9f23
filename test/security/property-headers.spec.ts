// The property tests of property.spec.ts for what comes before the body: junk, forged and
// malformed tokens on every route, and bodies that are not JSON objects under any content type.
import fc from 'fast-check';
import { sign } from 'jsonwebtoken';
import { mightBeValidBody, parseAsGateway, printableAscii, send } from '../support/hostile-input';
import { expectClientError, JSON_TYPE, useHostileScene } from '../support/hostile-scene';
import { useStack } from '../support/stack';
import { tokenFor } from '../support/tenant-session';

const RUNS = { junkAuth: 150, junkContentType: 100 } as const;

describe('hostile headers and bodies against the projects API', () => {
  const stack = useStack();
  const scene = useHostileScene(stack);

  it('should answer 401 to missing, malformed and forged tokens on every route', async () => {
    const secret = process.env.JWT_SECRET ?? '';
    const claims = { tenantId: scene.a.tenantId, sub: 'attacker' };
    const validForA = tokenFor(scene.a.tenantId);
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
        .constantFrom(...scene.projectsOfA)
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
        const headers: Record<string, string> = body === undefined ? {} : { ...JSON_TYPE };
        if (auth !== undefined) headers.authorization = auth;
        const response = await send(stack.baseUrl, method, path, headers, body);
        scene.expectSafe(response);
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
      fc.constantFrom(...scene.projectsOfA).map((p) => ({ method: 'PATCH', path: `/projects/${p.id}` })),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, target, async (type, raw, { method, path }) => {
        const response = await send(stack.baseUrl, method, path, scene.asB({ 'content-type': type }), raw);
        scene.expectSafe(response);
        if (!mightBeValidBody(parseAsGateway(type, raw), method === 'POST')) expectClientError(response);
      }),
      { numRuns: RUNS.junkContentType },
    );
  });

  it('should have left every project of A exactly as it was', () => scene.expectAUnchanged());
});

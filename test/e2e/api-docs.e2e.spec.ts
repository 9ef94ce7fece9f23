import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { deleteQueues } from '@app/messaging';
import { ownQueuePrefix } from '../support/stack';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Operation {
  method: string;
  path: string;
  op: OperationObject;
}

/** `/projects/:id` as OpenAPI writes it: `/projects/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method: method.toUpperCase(),
      path,
      op: item[method]!,
    })),
  );
}

function headerNames(op: OperationObject): string[] {
  return ((op.parameters ?? []) as ParameterObject[])
    .filter((param) => param.in === 'header')
    .map((param) => param.name.toLowerCase());
}

function response(op: OperationObject, status: number): ResponseObject | undefined {
  return op.responses[String(status)] as ResponseObject | undefined;
}

/** Every `$ref` in the document, wherever it is. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [child] : refsIn(child),
  );
}

/** A served path with a plausible value in each parameter. */
function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, () => randomUUID());
}

describe('API documentation', () => {
  const prefix = ownQueuePrefix();
  // Every route the gateway's router takes, as Fastify adds it (Nest adds its routes as the app starts).
  const served = new Set<string>();
  let gateway: NestFastifyApplication;
  let baseUrl: string;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const { createGateway } = await import('../../apps/gateway/src/create-gateway.js');
    gateway = await createGateway();
    gateway
      .getHttpAdapter()
      .getInstance()
      .addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) served.add(`${method} ${route.url}`);
      });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    const address = gateway.getHttpServer().address();
    if (address === null || typeof address === 'string') throw new Error('gateway has no TCP address');
    baseUrl = `http://127.0.0.1:${address.port}`;
    const res = await fetch(`${baseUrl}/docs-json`);
    expect(res.status).toBe(200);
    document = (await res.json()) as OpenAPIObject;
  });

  afterAll(async () => {
    await gateway?.close();
    await deleteQueues(process.env.AMQP_URL ?? '', prefix);
  });

  it('should list exactly the routes the gateway serves', () => {
    // HEAD routes are Fastify's automatic twins of GET ones; /docs* serves the documentation itself.
    const routes = [...served]
      .filter((route) => !route.startsWith('HEAD ') && !/^[A-Z]+ \/docs(\/|-|$)/.test(route))
      .map((route) => {
        const [method, url] = route.split(' ');
        return `${method} ${openApiPath(url)}`;
      });
    const documented = operationsOf(document).map(({ method, path }) => `${method} ${path}`);
    expect(routes.length).toBeGreaterThan(10);
    expect(documented.sort()).toEqual(routes.sort());
    const router = gateway.getHttpAdapter().getInstance();
    for (const { method, path } of operationsOf(document)) {
      expect({
        method,
        path,
        served: router.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') }),
      }).toEqual({
        method,
        path,
        served: true,
      });
    }
  });

  it('should be an OpenAPI 3 document whose references all resolve', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(document.info).toEqual(
      expect.objectContaining({ title: 'Tenantry', version: expect.any(String) }),
    );
    expect(Object.keys(document.paths).every((path) => path.startsWith('/'))).toBe(true);
    for (const ref of refsIn(document)) {
      const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
      expect({
        ref,
        resolves: match !== null && document.components?.schemas?.[match[1]] !== undefined,
      }).toEqual({
        ref,
        resolves: true,
      });
    }
    for (const { method, path, op } of operationsOf(document)) {
      const where = `${method} ${path}`;
      expect({ where, summary: op.summary }).toEqual({ where, summary: expect.stringMatching(/\w/) });
      expect({ where, tags: op.tags?.length }).toEqual({ where, tags: 1 });
      const statuses = Object.keys(op.responses);
      expect({ where, success: statuses.some((status) => /^2\d\d$/.test(status)) }).toEqual({
        where,
        success: true,
      });
      for (const status of statuses) {
        expect(response(op, Number(status))?.description).toEqual(expect.stringMatching(/\w/));
      }
      // Every {name} in the path is a declared path parameter.
      const declared = ((op.parameters ?? []) as ParameterObject[])
        .filter((param) => param.in === 'path')
        .map((param) => param.name)
        .sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect({ where, params: declared }).toEqual({ where, params: inPath });
    }
  });

  it('should declare the bearer scheme on exactly the routes that refuse a request without a token', async () => {
    expect(document.components?.securitySchemes?.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    );
    for (const { method, path, op } of operationsOf(document)) {
      const res = await fetch(`${baseUrl}${concrete(path)}`, { method });
      await res.arrayBuffer();
      const where = `${method} ${path}`;
      const needsToken = res.status === 401;
      expect({ where, security: op.security ?? [] }).toEqual({
        where,
        security: needsToken ? [{ bearer: [] }] : [],
      });
      if (!needsToken) continue;
      for (const status of [400, 401, 403, 503]) {
        expect({ where, status, documented: response(op, status) !== undefined }).toEqual({
          where,
          status,
          documented: true,
        });
      }
      expect({ where, retryAfter: Object.keys(response(op, 503)?.headers ?? {}) }).toEqual({
        where,
        retryAfter: ['Retry-After'],
      });
    }
  });

  it('should document the headers each route takes and the responses a write can give', () => {
    for (const { method, path, op } of operationsOf(document)) {
      const where = `${method} ${path}`;
      const headers = headerNames(op);
      expect({ where, correlation: headers.includes('x-correlation-id') }).toEqual({
        where,
        correlation: true,
      });
      const write = WRITES.has(method);
      expect({ where, idempotencyKey: headers.includes('idempotency-key') }).toEqual({
        where,
        idempotencyKey: write,
      });
      if (!write) continue;
      expect({ where, mismatch: response(op, 422) !== undefined }).toEqual({ where, mismatch: true });
      expect({ where, inFlight: Object.keys(response(op, 409)?.headers ?? {}) }).toEqual({
        where,
        inFlight: ['Retry-After'],
      });
    }
  });

  it('should serve Swagger UI and the document without a token', async () => {
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('swagger-ui');
    const script = await fetch(`${baseUrl}/docs/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    await script.arrayBuffer();
    const json = await fetch(`${baseUrl}/docs-json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    await json.arrayBuffer();
  });
});

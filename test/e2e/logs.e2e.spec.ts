// One request through both apps as real processes under NODE_ENV=production: each writes JSON
// lines only, the gateway one line for the request and the worker one for its message, both with
// the same correlation id, trace id, tenant, user and pattern, the request counted in both apps'
// metrics, and no line holds the caller's token.
import { deleteQueues } from '@app/messaging';
import { AppProcess, freePort } from '../support/app-process';
import { closePools } from '../support/database';
import { scrape, valueOf } from '../support/prometheus';
import { ownQueuePrefix } from '../support/stack';
import { request, TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

type Line = Record<string, unknown>;

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Log lines of a request through both apps', () => {
  const prefix = ownQueuePrefix();
  let worker: AppProcess;
  let gateway: AppProcess;
  let baseUrl: string;
  let workerUrl: string;

  beforeAll(async () => {
    const env = { NODE_ENV: 'production', LOG_LEVEL: 'info' };
    const [port, workerPort] = [await freePort(), await freePort()];
    baseUrl = `http://127.0.0.1:${port}`;
    workerUrl = `http://127.0.0.1:${workerPort}`;
    worker = await AppProcess.start('worker', { ...env, WORKER_HTTP_PORT: String(workerPort) });
    gateway = await AppProcess.start('gateway', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    await waitFor(async () => (await fetch(`${baseUrl}/health`)).ok, 10_000, 'the gateway connected');
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop()]);
    await closePools();
    await deleteQueues(process.env.AMQP_URL ?? '', prefix);
  });

  /** The one line of `app` with this message and correlation id, once it is written. */
  const lineOf = async (app: AppProcess, msg: string, correlationId: string): Promise<Line> => {
    const lines = await waitFor(
      () => {
        const found = app.json().filter((line) => line.msg === msg && line.correlationId === correlationId);
        return Promise.resolve(found.length > 0 && found);
      },
      10_000,
      `${app.name}: "${msg}" for ${correlationId}`,
    );
    expect(lines).toHaveLength(1);
    return lines[0];
  };

  it('should log the request at the gateway and its message at the worker under the client’s correlation id', async () => {
    const tenant = await TenantSession.create(baseUrl);
    const correlationId = `client-${Date.now()}`;

    const res = await fetch(`${baseUrl}/projects`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tenant.token}`,
        'content-type': 'application/json',
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify({ name: 'Apollo' }),
    });

    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    const who = { tenantId: tenant.tenantId, userId: `user-${tenant.tenantId.slice(0, 8)}`, correlationId };
    const requestLine = await lineOf(gateway, 'request completed', correlationId);
    const messageLine = await lineOf(worker, 'message handled', correlationId);
    // One trace: the worker's span is a child of the gateway's, whether or not spans are exported.
    expect(requestLine.traceId).toMatch(TRACE_ID);
    expect(messageLine.traceId).toBe(requestLine.traceId);
    expect(messageLine.spanId).not.toBe(requestLine.spanId);
    expect(requestLine).toEqual({
      level: 30,
      time: expect.any(Number) as number,
      pid: expect.any(Number) as number,
      hostname: expect.any(String) as string,
      ...who,
      method: 'POST',
      url: '/projects',
      statusCode: 201,
      pattern: 'projects.create.v1',
      outcome: 'answered',
      durationMs: expect.any(Number) as number,
      msg: 'request completed',
      traceId: requestLine.traceId,
      spanId: expect.stringMatching(SPAN_ID) as string,
    });
    expect(messageLine).toEqual({
      level: 30,
      time: expect.any(Number) as number,
      pid: expect.any(Number) as number,
      hostname: expect.any(String) as string,
      ...who,
      context: 'Messages',
      msg: 'message handled',
      pattern: 'projects.create.v1',
      outcome: 'acked',
      attempt: 1,
      durationMs: expect.any(Number) as number,
      traceId: requestLine.traceId,
      spanId: expect.stringMatching(SPAN_ID) as string,
    });

    // Counted by both apps.
    const created = { method: 'POST', route: '/projects', status: '201' };
    expect(valueOf(await scrape(baseUrl), 'tenantry_http_request_duration_seconds_count', created)).toBe(1);
    const acked = { pattern: 'projects.create.v1', outcome: 'acked' };
    expect(valueOf(await scrape(workerUrl), 'tenantry_messages_total', acked)).toBe(1);
  });

  it('should replace a correlation id that is not sane with a new one, in the response and both logs', async () => {
    const tenant = await TenantSession.create(baseUrl);
    const hostile = `${'x'.repeat(100)} "forged":"${'y'.repeat(40)}`;

    const res = await fetch(`${baseUrl}/projects/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${tenant.token}`, 'x-correlation-id': hostile },
    });

    expect(res.status).toBe(404);
    const correlationId = res.headers.get('x-correlation-id') ?? '';
    expect(correlationId).toMatch(UUID);
    expect(await lineOf(gateway, 'request completed', correlationId)).toMatchObject({
      statusCode: 404,
      outcome: 'domain error',
      errorCode: 'not_found',
      pattern: 'projects.get.v1',
    });
    expect(await lineOf(worker, 'message handled', correlationId)).toMatchObject({
      outcome: 'domain error',
      errorCode: 'not_found',
    });
    expect(gateway.lines.concat(worker.lines).some((line) => line.includes('x'.repeat(100)))).toBe(false);
  });

  it('should return a correlation id on a refusal too, and log it with no tenant', async () => {
    const res = await request(baseUrl, 'GET', '/projects', undefined, { 'x-correlation-id': 'no-token-1' });

    expect(res.status).toBe(401);
    const line = await lineOf(gateway, 'request completed', 'no-token-1');
    expect(line).toMatchObject({ statusCode: 401, outcome: 'refused' });
    expect(line).not.toHaveProperty('tenantId');
  });

  it('should keep the caller’s token out of every line, wherever the caller put it', async () => {
    const tenant = await TenantSession.create(baseUrl);
    const [, payload, signature] = tenant.token.split('.');
    const correlationId = `token-${Date.now()}`;

    const res = await fetch(`${baseUrl}/projects?limit=1&access_token=${tenant.token}`, {
      headers: {
        authorization: `Bearer ${tenant.token}`,
        cookie: `session=${tenant.token}`,
        'x-correlation-id': correlationId,
      },
    });

    expect(res.status).toBeLessThan(500);
    const line = await lineOf(gateway, 'request completed', correlationId);
    expect(line.url).toBe('/projects?limit=1&access_token=[Redacted] JWT');
    for (const app of [gateway, worker]) {
      expect(app.lines.filter((l) => l.includes(payload) || l.includes(signature))).toEqual([]);
    }
  });
});

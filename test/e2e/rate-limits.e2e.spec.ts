import { runTenantLimitsCli } from '../support/admin-cli';
import { adminPool, projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

// Small enough to exhaust in a test: 10 at once, 5 a second on average, so a window of 2 s.
process.env.RATE_LIMIT_RPS = '5';
process.env.RATE_LIMIT_BURST = '10';
const WINDOW_MS = 2000;

async function send(tenant: TenantSession | undefined, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...(tenant && { authorization: `Bearer ${tenant.token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const stack = useStack();

describe('Per-tenant rate limits at the gateway', () => {
  let a: TenantSession;
  let b: TenantSession;

  beforeEach(async () => {
    a = await TenantSession.create(stack.baseUrl);
    b = await TenantSession.create(stack.baseUrl);
  });

  it("should answer 429 with Retry-After past a tenant's burst, count every route, and leave other tenants alone", async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 10; i++) {
      // Reads and writes share one budget.
      const res =
        i % 2
          ? await send(a, 'GET', '/projects?limit=1')
          : await send(a, 'POST', '/projects', { name: `p${i}` });
      expect(res.status).toBe(i % 2 ? 200 : 201);
      expect(res.headers.get('ratelimit-limit')).toBe('10');
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);

    const refused = await send(a, 'POST', '/projects', { name: 'over the limit' });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      statusCode: 429,
      message: expect.stringMatching(/^This tenant may send 10 requests in 2 s; retry after [12] s$/),
      error: 'Too Many Requests',
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retryAfter));

    // Refused at the gateway: the command never reached a worker.
    expect((await projectsOf(a.tenantId)).map((p) => p.name)).not.toContain('over the limit');
    expect((await send(a, 'GET', '/jobs')).status).toBe(429);

    // Another tenant has a budget of its own; probes have none.
    const other = await send(b, 'GET', '/projects');
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('9');
    const live = await send(undefined, 'GET', '/health/live');
    expect(live.status).toBe(200);
    expect(live.headers.get('ratelimit-limit')).toBeNull();

    // A token-less request is refused by authentication first, and counts for nobody.
    expect((await send(undefined, 'GET', '/projects')).status).toBe(401);

    // Once the window has passed the first hits, the tenant may send again.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 50));
    expect((await send(a, 'POST', '/projects', { name: 'after the wait' })).status).toBe(201);
  });

  it('should not count refused requests against the budget', async () => {
    for (let i = 0; i < 10; i++) expect((await send(a, 'GET', '/jobs')).status).toBe(200);
    const started = Date.now();
    // Hammering while refused does not push the tenant's recovery back.
    for (let i = 0; i < 20; i++) expect((await send(a, 'GET', '/jobs')).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, WINDOW_MS + 50 - (Date.now() - started))));
    expect((await send(a, 'GET', '/jobs')).status).toBe(200);
  });

  it("should apply a tenant's own budget, set with tenant:limits, once a worker has told the gateway", async () => {
    const set = await runTenantLimitsCli(['--tenant', a.tenantId, '--rps', '2', '--burst', '3']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toEqual({ tenantId: a.tenantId, rps: 2, burst: 3 });

    // The first request finds no budget for the tenant: the defaults apply while a worker is asked.
    const first = await send(a, 'GET', '/jobs');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('10');
    // Polling spends the budget too: a 429 counts once it names the tenant's own budget.
    await waitFor(
      async () => {
        const res = await send(a, 'GET', '/jobs');
        return (
          res.headers.get('ratelimit-limit') === '3' ||
          JSON.stringify(res.body).includes('may send 3 requests')
        );
      },
      5000,
      "the tenant's own budget at the gateway",
    );

    // Its window is 3 ÷ 2 = 1.5 s; each hit counted so far leaves the log at most WINDOW_MS after it.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
    for (const remaining of ['2', '1', '0']) {
      const res = await send(a, 'GET', '/jobs');
      expect([
        res.status,
        res.headers.get('ratelimit-limit'),
        res.headers.get('ratelimit-remaining'),
      ]).toEqual([200, '3', remaining]);
    }
    const refused = await send(a, 'GET', '/jobs');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      message: expect.stringMatching(/^This tenant may send 3 requests in 1.5 s/),
    });
    // Another tenant keeps the defaults.
    expect((await send(b, 'GET', '/jobs')).headers.get('ratelimit-limit')).toBe('10');
  });

  it('should set and clear a budget with tenant:limits, and refuse what makes no budget', async () => {
    const admin = await adminPool();
    const stored = async () =>
      (
        await admin.query<{ rps: number | null; burst: number | null }>(
          'SELECT rate_limit_rps AS rps, rate_limit_burst AS burst FROM tenants WHERE id = $1',
          [a.tenantId],
        )
      ).rows[0];
    expect(await stored()).toEqual({ rps: null, burst: null });
    expect((await runTenantLimitsCli(['--tenant', a.tenantId, '--rps', '0.5', '--burst', '1'])).code).toBe(0);
    expect(await stored()).toEqual({ rps: 0.5, burst: 1 });
    expect((await runTenantLimitsCli(['--tenant', a.tenantId, '--default'])).code).toBe(0);
    expect(await stored()).toEqual({ rps: null, burst: null });

    for (const args of [
      ['--tenant', a.tenantId, '--rps', '0', '--burst', '10'],
      ['--tenant', a.tenantId, '--rps', '5'],
      ['--tenant', a.tenantId, '--rps', '5', '--burst', '10001'],
      ['--tenant', a.tenantId, '--rps', '5', '--burst', '10', '--default'],
      ['--tenant', 'not-a-uuid', '--rps', '5', '--burst', '10'],
    ]) {
      const run = await runTenantLimitsCli(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^usage: npm run tenant:limits/);
    }
    const unknown = await runTenantLimitsCli([
      '--tenant',
      '00000000-0000-4000-8000-000000000000',
      '--default',
    ]);
    expect(unknown).toMatchObject({ code: 1, stderr: 'no tenant 00000000-0000-4000-8000-000000000000\n' });
    expect(await stored()).toEqual({ rps: null, burst: null });
  });
});

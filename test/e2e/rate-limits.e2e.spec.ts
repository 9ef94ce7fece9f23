import { useStack } from '../support/stack';
import { projectsOf } from '../support/database';
import { TenantSession } from '../support/tenant-session';

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
});

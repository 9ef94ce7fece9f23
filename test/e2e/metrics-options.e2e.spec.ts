// The metrics options: /metrics moved off the gateway's public port (METRICS_PORT), per-tenant
// counters for the listed tenants only (METRICS_TENANT_LABELS), and a worker that does not consume
// reported not ready.
import { createTenant } from '../support/database';
import { scrape, valueOf } from '../support/prometheus';
import { gatewayMetricsPort, useStack, workerContext, workerHttpUrl, workerReadiness } from '../support/stack';
import { request, TenantSession, tokenFor } from '../support/tenant-session';

describe('Metrics options', () => {
  const listed: string[] = [];
  beforeAll(async () => {
    listed.push(await createTenant());
    process.env.METRICS_PORT = '0';
    process.env.METRICS_TENANT_LABELS = listed[0];
  });
  afterAll(() => {
    delete process.env.METRICS_PORT;
    delete process.env.METRICS_TENANT_LABELS;
  });
  const stack = useStack();

  it('should serve the gateway’s /metrics only on METRICS_PORT when it is set', async () => {
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(404);
    const text = await scrape(`http://127.0.0.1:${await gatewayMetricsPort(stack.gateway!)}`);
    expect(text).toContain('tenantry_http_request_duration_seconds');
  });

  it('should count messages under the listed tenant’s id, and every other tenant as `other`', async () => {
    const worker = await workerHttpUrl(stack.worker!);
    const other = await TenantSession.create(stack.baseUrl);
    const asListed = { authorization: `Bearer ${tokenFor(listed[0])}` };
    expect((await request(stack.baseUrl, 'GET', '/projects', undefined, asListed)).status).toBe(200);
    expect((await other.request('GET', '/projects')).status).toBe(200);

    const text = await scrape(worker);
    expect(valueOf(text, 'tenantry_tenant_messages_total', { tenant: listed[0], outcome: 'acked' })).toBe(1);
    expect(valueOf(text, 'tenantry_tenant_messages_total', { tenant: 'other', outcome: 'acked' })).toBe(1);
    expect(text).not.toContain(other.tenantId);
  });

  it('should report a worker that consumes nothing as not ready, naming why', async () => {
    // Its providers only: no transport, so nothing consumes.
    const context = await workerContext();
    try {
      expect(await workerReadiness(context)).toEqual({
        status: 503,
        body: expect.objectContaining({
          status: 'error',
          info: { database: { status: 'up' } },
          error: {
            broker: { status: 'down', message: 'not connected to RabbitMQ' },
            consumers: { status: 'down', message: 'not consuming every queue (starting, paused or draining)' },
          },
        }),
      });
    } finally {
      await context.close();
    }
  });
});

// Metrics and health of both apps, on the real stack: one request and one job drive the counters,
// and the dashboard names only metrics that the apps export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobView } from '@app/jobs';
import type { ProjectView } from '@app/projects';
import { declaredNames, metricNamesIn, scrape, valueOf } from '../support/prometheus';
import { useStack, workerHttpUrl } from '../support/stack';
import { request, TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

const DASHBOARD = join(__dirname, '..', '..', 'observability', 'grafana', 'dashboards', 'tenantry.json');
const REQUESTS = 'tenantry_http_request_duration_seconds_count';

describe('Metrics and health', () => {
  const stack = useStack();
  let worker: string;
  let tenant: TenantSession;

  beforeAll(async () => {
    worker = await workerHttpUrl(stack.worker!);
    tenant = await TenantSession.create(stack.baseUrl);
    // Ready once the worker consumes; the broker's consumer count may lag its first subscribe.
    await waitFor(async () => (await fetch(`${stack.baseUrl}/health/ready`)).ok, 10_000, 'gateway ready');
  });

  it('should count a request in the gateway by route pattern and status, and its message in the worker by pattern and outcome', async () => {
    const [gatewayBefore, workerBefore] = await Promise.all([scrape(stack.baseUrl), scrape(worker)]);
    const created = await tenant.request<ProjectView>('POST', '/projects', { name: 'Measured' });
    expect(created.status).toBe(201);
    expect((await tenant.request('GET', `/projects/${created.body.id}`)).status).toBe(200);
    expect((await tenant.request('POST', '/projects', { name: 'Measured' })).status).toBe(409);
    const [gatewayAfter, workerAfter] = await Promise.all([scrape(stack.baseUrl), scrape(worker)]);

    const counted = (text: string, labels: Record<string, string>) => valueOf(text, REQUESTS, labels);
    const post = { method: 'POST', route: '/projects', status: '201' };
    expect(counted(gatewayAfter, post) - counted(gatewayBefore, post)).toBe(1);
    // The route's pattern, never the URL with the id in it.
    const get = { method: 'GET', route: '/projects/:id', status: '200' };
    expect(counted(gatewayAfter, get) - counted(gatewayBefore, get)).toBe(1);
    expect(gatewayAfter).not.toContain(created.body.id);
    expect(counted(gatewayAfter, { route: '/projects', status: '409' })).toBeGreaterThanOrEqual(1);

    const messages = (text: string, outcome: string) =>
      valueOf(text, 'tenantry_messages_total', { pattern: 'projects.create.v1', outcome });
    expect(messages(workerAfter, 'acked') - messages(workerBefore, 'acked')).toBe(1);
    expect(messages(workerAfter, 'domain error') - messages(workerBefore, 'domain error')).toBe(1);
    const handled = { pattern: 'projects.get.v1' };
    expect(
      valueOf(workerAfter, 'tenantry_message_handler_duration_seconds_count', handled) -
        valueOf(workerBefore, 'tenantry_message_handler_duration_seconds_count', handled),
    ).toBe(1);
    // Neither app puts the tenant in a label unless told to (METRICS_TENANT_LABELS).
    expect(gatewayAfter + workerAfter).not.toContain(tenant.tenantId);
  });

  it('should count a job by type and status once it has ended', async () => {
    const before = await scrape(worker);
    const res = await tenant.request<{ jobId: string }>('POST', '/projects/import', {
      items: [{ name: 'job-1' }, { name: 'job-2' }],
    });
    expect(res.status).toBe(202);
    await waitFor(
      async () => (await tenant.request<JobView>('GET', `/jobs/${res.body.jobId}`)).body.status === 'succeeded',
      15_000,
      'the job to succeed',
    );
    const ended = { type: 'projects.import', status: 'succeeded' };
    const after = await waitFor(async () => {
      const text = await scrape(worker);
      return valueOf(text, 'tenantry_jobs_finished_total', ended) > valueOf(before, 'tenantry_jobs_finished_total', ended) && text;
    });
    expect(valueOf(after, 'tenantry_jobs_finished_total', ended) - valueOf(before, 'tenantry_jobs_finished_total', ended)).toBe(1);
    expect(
      valueOf(after, 'tenantry_jobs_started_total', { type: 'projects.import' }) -
        valueOf(before, 'tenantry_jobs_started_total', { type: 'projects.import' }),
    ).toBe(1);
    expect(valueOf(after, 'tenantry_job_duration_seconds_count', ended)).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, 'tenantry_messages_total', { pattern: 'projects.import-batch.v1', outcome: 'acked' })).toBeGreaterThanOrEqual(1);
  });

  it('should export the pool, the queues, the RPCs in flight and Node’s own metrics', async () => {
    const [gateway, workerText] = await Promise.all([scrape(stack.baseUrl), scrape(worker)]);
    expect(valueOf(workerText, 'tenantry_db_pool_max')).toBe(10);
    expect(workerText).toMatch(/^tenantry_db_pool_connections\{state="idle"\} \d+$/m);
    expect(workerText).toMatch(/^tenantry_queue_messages\{queue="dead_letters"\} \d+$/m);
    expect(valueOf(gateway, 'tenantry_rpc_in_flight')).toBe(0);
    expect(valueOf(gateway, 'tenantry_rpc_max_in_flight')).toBe(1024);
    for (const text of [gateway, workerText]) expect(text).toMatch(/^process_cpu_user_seconds_total \S+$/m);
    // Each app exports its own: the worker has no request histogram, the gateway no message counter.
    expect(gateway).not.toContain('tenantry_messages_total');
    expect(workerText).not.toContain('tenantry_http_request_duration_seconds');
  });

  it('should name in the dashboard only metrics that the apps export', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exported = new Set([...declaredNames(await scrape(stack.baseUrl)), ...declaredNames(await scrape(worker))]);
    const named = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricNamesIn(target.expr)));

    expect(named.length).toBeGreaterThanOrEqual(15);
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('should answer the health probes of both apps, without a token', async () => {
    expect((await request(stack.baseUrl, 'GET', '/health/live')).status).toBe(200);
    const ready = await request(stack.baseUrl, 'GET', '/health/ready');
    expect(ready).toMatchObject({
      status: 200,
      body: { status: 'ok', details: { broker: { status: 'up' }, workers: { status: 'up', consumers: 1 } } },
    });
    expect((await request(stack.baseUrl, 'GET', '/health')).body).toEqual(ready.body);

    expect((await request(worker, 'GET', '/health/live')).status).toBe(200);
    expect(await request(worker, 'GET', '/health/ready')).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        details: { database: { status: 'up' }, broker: { status: 'up' }, consumers: { status: 'up' } },
      },
    });
    expect((await fetch(`${worker}/nothing`)).status).toBe(404);
  });

  // Last: it stops the worker.
  it('should report the gateway not ready (503) once no worker consumes, and still live', async () => {
    const listener = worker;
    await stack.worker!.close();
    stack.worker = undefined;

    const ready = await waitFor(async () => {
      const res = await request(stack.baseUrl, 'GET', '/health/ready');
      return res.status === 503 && res;
    });
    expect(ready.body).toMatchObject({
      status: 'error',
      error: { workers: { status: 'down', message: 'no worker consumes the command queue' } },
    });
    expect((await request(stack.baseUrl, 'GET', '/health')).status).toBe(503);
    expect((await request(stack.baseUrl, 'GET', '/health/live')).status).toBe(200);
    // The worker's listener closed with it.
    await expect(fetch(`${listener}/health/live`)).rejects.toThrow();
  });
});

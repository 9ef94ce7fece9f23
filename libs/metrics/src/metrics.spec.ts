import { Metrics, OTHER_TENANT } from './metrics';

const LISTED = '11111111-1111-4111-8111-111111111111';
const UNLISTED = '22222222-2222-4222-8222-222222222222';

describe(Metrics.name, () => {
  it('should give a listed tenant its own label value and every other one `other`', () => {
    const metrics = new Metrics({ tenantLabels: [LISTED.toUpperCase()] });

    expect(metrics.perTenant).toBe(true);
    expect(metrics.tenantLabel(LISTED)).toBe(LISTED);
    expect(metrics.tenantLabel(LISTED.toUpperCase())).toBe(LISTED);
    expect(metrics.tenantLabel(UNLISTED)).toBe(OTHER_TENANT);
    expect(metrics.tenantLabel(undefined)).toBe(OTHER_TENANT);
  });

  it('should want no per-tenant counters when no tenant is listed', () => {
    const metrics = new Metrics({ tenantLabels: [] });
    expect(metrics.perTenant).toBe(false);
    expect(metrics.tenantLabel(LISTED)).toBe(OTHER_TENANT);
  });

  it('should keep each app’s metrics in a registry of its own, with Node’s process metrics', async () => {
    const one = new Metrics({ tenantLabels: [] });
    const two = new Metrics({ tenantLabels: [] });
    // The same name twice in one process: each app in a test process defines its own.
    one.counter({ name: 'tenantry_test_total', help: 'one' }).inc();
    two.counter({ name: 'tenantry_test_total', help: 'two' });

    const first = await one.scrape();
    expect(first.contentType).toMatch(/^text\/plain/);
    expect(first.body).toMatch(/^tenantry_test_total 1$/m);
    expect(first.body).toMatch(/^process_cpu_user_seconds_total /m);
    expect((await two.scrape()).body).toMatch(/^tenantry_test_total 0$/m);
  });

  it('should count nothing and export nothing when off', async () => {
    const metrics = new Metrics({ tenantLabels: [], enabled: false });
    const counter = metrics.counter({ name: 'tenantry_test_total', help: 'h', labelNames: ['a'] });
    counter.inc();
    counter.labels({ a: 'x' }).inc(2);
    const histogram = metrics.histogram({ name: 'tenantry_test_seconds', help: 'h' });
    histogram.startTimer()();
    histogram.observe(1);
    metrics.gauge({ name: 'tenantry_test_gauge', help: 'h' }).set(3);
    expect((await metrics.scrape()).body.trim()).toBe('');
  });
});

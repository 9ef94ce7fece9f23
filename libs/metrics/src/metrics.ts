import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

/** Every metric of ours starts with this, so a dashboard can tell them from Node's and RabbitMQ's. */
export const METRIC_PREFIX = 'tenantry_';

/** Seconds; from a fast read (~2 ms) to the gateway's RPC timeout and a long job's batch. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Label value of every tenant not listed in METRICS_TENANT_LABELS. */
export const OTHER_TENANT = 'other';

export interface MetricsOptions {
  /** Tenants that get a label value of their own in the per-tenant counters; none by default. */
  tenantLabels: string[];
  /** False: every metric is a no-op and the registry stays empty (METRICS_ENABLED=false). */
  enabled?: boolean;
}

// Stands for any metric while metrics are off: every method, and whatever one returns (`labels(…)`,
// `startTimer()`), is this same no-op. Not a thenable, so that awaiting one cannot hang.
const OFF: unknown = new Proxy(() => OFF, { get: (_, key) => (key === 'then' ? undefined : OFF) });

/**
 * One app's metrics: a registry of its own (not prom-client's global one), so that two apps in one
 * process (the tests run both) each export only what they count, and Node's process metrics. Libs
 * define their metrics through it, each its own, at construction: nothing is allocated per request.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly tenants: ReadonlySet<string>;
  private readonly enabled: boolean;

  constructor(options: MetricsOptions) {
    this.tenants = new Set(options.tenantLabels.map((id) => id.toLowerCase()));
    this.enabled = options.enabled ?? true;
    if (this.enabled) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return this.enabled ? new Counter({ ...config, registers: [this.registry] }) : (OFF as Counter<L>);
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return this.enabled ? new Gauge({ ...config, registers: [this.registry] }) : (OFF as Gauge<L>);
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return this.enabled
      ? new Histogram({ buckets: DURATION_BUCKETS, ...config, registers: [this.registry] })
      : (OFF as Histogram<L>);
  }

  /** Whether any tenant gets counters of its own; when none, per-tenant counters are not even defined. */
  get perTenant(): boolean {
    return this.tenants.size > 0;
  }

  /**
   * The label value for a tenant: its id when listed, `other` otherwise, so that the number of
   * series stays bounded by the list however many tenants there are.
   */
  tenantLabel(tenantId: string | undefined): string {
    return tenantId !== undefined && this.tenants.has(tenantId.toLowerCase()) ? tenantId.toLowerCase() : OTHER_TENANT;
  }

  /** The text Prometheus scrapes, with its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

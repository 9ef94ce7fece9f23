// Prometheus metrics: one registry per app, the gateway's request histogram, and a small listener
// for scrapes and probes.
export { DURATION_BUCKETS, METRIC_PREFIX, Metrics, OTHER_TENANT } from './metrics';
export type { MetricsOptions } from './metrics';
export { MetricsModule } from './metrics.module';
export { HttpMetrics, UNMATCHED_ROUTE } from './http-metrics';
export { OpsListener } from './ops-listener';
export type { OpsAnswer, OpsRoutes } from './ops-listener';

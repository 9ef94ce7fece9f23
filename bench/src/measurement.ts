/** One scenario's numbers, as written to results.json. */
export interface Measurement {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  requests: number;
  duration_s: number;
  concurrency?: number;
  gateway_peak_rss_mb?: number;
  worker_peak_rss_mb?: number;
  first_error?: string;
  /** What `rps` counts when not requests, e.g. "rows/s" for an import. */
  unit?: string;
  /** A fixed offered rate (open loop): `rps` then says nothing about capacity, only latency does. */
  offered_rps?: number;
  /** Scenario-specific numbers of one run. */
  detail?: Record<string, number>;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The median of each rate and latency over repetitions; errors and peak memory take the worst. */
export function combine(
  runs: Measurement[],
): Measurement & { runs_rps?: number[]; runs_detail?: Record<string, number>[] } {
  if (runs.length === 1) return runs[0];
  const worst = (pick: (m: Measurement) => number | undefined) => {
    const values = runs.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? Math.max(...values) : undefined;
  };
  return {
    ...runs[0],
    // Rounded as one run's numbers are: the median of an even count is a mean of two.
    rps: round(median(runs.map((r) => r.rps))),
    p50_ms: round(median(runs.map((r) => r.p50_ms)), 2),
    p99_ms: round(median(runs.map((r) => r.p99_ms)), 2),
    errors: worst((r) => r.errors) ?? 0,
    requests: median(runs.map((r) => r.requests)),
    gateway_peak_rss_mb: worst((r) => r.gateway_peak_rss_mb),
    worker_peak_rss_mb: worst((r) => r.worker_peak_rss_mb),
    first_error: runs.find((r) => r.first_error)?.first_error,
    runs_rps: runs.map((r) => r.rps),
    ...(runs[0].detail && { detail: undefined, runs_detail: runs.map((r) => r.detail ?? {}) }),
  };
}

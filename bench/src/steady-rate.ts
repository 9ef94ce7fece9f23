import { performance } from 'node:perf_hooks';
import { sleep } from './cleanup';
import { Measurement, percentile, round } from './measurement';
import type { Stack } from './processes';

export interface RateSample {
  latencyMs: number;
  ok: boolean;
  error?: string;
  /** What `counted()` said when the operation was sent (e.g. whether an import was running). */
  counted: boolean;
}

export interface RateOptions {
  ratePerS: number;
  signal: AbortSignal;
  counted?: () => boolean;
}

/**
 * An open-loop load generator: one operation every 1/rate s until `until` settles, whether or not
 * earlier ones have answered, so a stall shows as latency rather than as fewer requests (no
 * coordinated omission). Latency runs from an operation's send to its end. Resolves once every
 * operation sent has settled; `elapsedMs` is the sending window.
 */
export async function steadyRate(
  op: () => Promise<unknown>,
  until: Promise<unknown>,
  options: RateOptions,
): Promise<{ samples: RateSample[]; elapsedMs: number }> {
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  until.then(stop, stop);
  const interval = 1000 / options.ratePerS;
  const samples: RateSample[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let k = 0; ; k++) {
    const wait = started + k * interval - performance.now();
    if (wait > 0) await sleep(wait, options.signal);
    if (stopped || options.signal.aborted) break;
    const counted = options.counted?.() ?? true;
    const t0 = performance.now();
    pending.push(
      op().then(
        () => void samples.push({ latencyMs: performance.now() - t0, ok: true, counted }),
        (err: unknown) =>
          void samples.push({
            latencyMs: performance.now() - t0,
            ok: false,
            error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
            counted,
          }),
      ),
    );
  }
  const elapsedMs = performance.now() - started;
  await Promise.all(pending);
  return { samples, elapsedMs };
}

/** The samples of a steady-rate run as a scenario's numbers, with the stack's peak memory. */
export function rateMeasurement(
  samples: RateSample[],
  elapsedMs: number,
  ratePerS: number,
  stack: Stack,
): Measurement {
  const latencies = Float64Array.from(samples.filter((s) => s.ok).map((s) => s.latencyMs)).sort();
  const errors = samples.filter((s) => !s.ok);
  return {
    rps: round(latencies.length / (elapsedMs / 1000)),
    p50_ms: round(percentile(latencies, 50), 2),
    p99_ms: round(percentile(latencies, 99), 2),
    errors: errors.length,
    requests: samples.length,
    duration_s: round(elapsedMs / 1000, 2),
    offered_rps: ratePerS,
    gateway_peak_rss_mb: stack.gateway.peakRssMb(),
    worker_peak_rss_mb: stack.worker.peakRssMb(),
    first_error: errors[0]?.error,
  };
}

import { performance } from 'node:perf_hooks';
import { Measurement, percentile, round } from '../measurement';
import { Stack } from '../processes';
import { ScenarioContext, uniqueName } from './scenario';

// The same page as the sequential curl.
const PAGE = '/projects?limit=5';

/**
 * One client, one request at a time, for `--duration` seconds: what a single user waits for on an
 * idle stack, which saturated scenarios never show (a kernel timer, say). fetch keeps its
 * connection alive between requests, as a browser or an SDK would.
 */
async function sequential(
  ctx: ScenarioContext,
  stack: Stack,
  send: (seq: number) => Promise<number>,
): Promise<Measurement> {
  let seq = 0;
  const loop = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until && !ctx.signal.aborted) {
      const t0 = performance.now();
      const status = await send(seq++).catch((err: unknown) => {
        firstError ??= err instanceof Error ? err.message : String(err);
        return 0;
      });
      if (status >= 200 && status < 300) latencies.push(performance.now() - t0);
      else {
        errors++;
        firstError ??= `status ${status}`;
      }
    }
    return { latencies, errors, firstError };
  };
  if (ctx.warmupS > 0) await loop(ctx.warmupS);
  const started = performance.now();
  const { latencies, errors, firstError } = await loop(ctx.options.duration);
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: round(latencies.length / seconds),
    p50_ms: round(percentile(sorted, 50), 2),
    p99_ms: round(percentile(sorted, 99), 2),
    errors,
    requests: latencies.length + errors,
    duration_s: round(seconds, 2),
    concurrency: 1,
    gateway_peak_rss_mb: stack.gateway.peakRssMb(),
    worker_peak_rss_mb: stack.worker.peakRssMb(),
    first_error: firstError,
  };
}

async function statusOf(response: Promise<Response>): Promise<number> {
  const res = await response;
  await res.arrayBuffer();
  return res.status;
}

/** GET /projects?limit=5, one after another, as one tenant. */
export function runSingleGet(ctx: ScenarioContext, stack: Stack): Promise<Measurement> {
  const authorization = `Bearer ${ctx.tokens[0]}`;
  return sequential(ctx, stack, () =>
    statusOf(
      fetch(`${stack.baseUrl}${PAGE}`, { headers: { authorization }, signal: AbortSignal.timeout(10_000) }),
    ),
  );
}

/** POST /projects, one after another, as one tenant. */
export function runSingleCreate(ctx: ScenarioContext, stack: Stack, label: string): Promise<Measurement> {
  const authorization = `Bearer ${ctx.tokens[0]}`;
  return sequential(ctx, stack, (seq) =>
    statusOf(
      fetch(`${stack.baseUrl}/projects`, {
        method: 'POST',
        signal: AbortSignal.timeout(10_000),
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name: uniqueName(label, seq) }),
      }),
    ),
  );
}

import { performance } from 'node:perf_hooks';
import { Measurement, percentile, round } from '../measurement';
import { Stack } from '../processes';
import { postProject } from './full-stack.scenario';
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
  send: (seq: number) => Promise<void>,
): Promise<Measurement> {
  let seq = 0;
  const loop = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until && !ctx.signal.aborted) {
      const t0 = performance.now();
      try {
        await send(seq++);
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
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

/** GET /projects?limit=5 as the token's tenant; throws unless it answers 2xx. */
async function getPage(stack: Stack, token: string): Promise<void> {
  const res = await fetch(`${stack.baseUrl}${PAGE}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${PAGE}: ${res.status} ${text.slice(0, 200)}`);
}

/** GET /projects?limit=5, one after another, as one tenant. */
export function runSingleGet(ctx: ScenarioContext, stack: Stack): Promise<Measurement> {
  return sequential(ctx, stack, () => getPage(stack, ctx.tokens[0]));
}

/** POST /projects, one after another, as one tenant. */
export function runSingleCreate(ctx: ScenarioContext, stack: Stack, label: string): Promise<Measurement> {
  return sequential(ctx, stack, (seq) => postProject(stack, ctx.tokens[0], uniqueName(label, seq)));
}

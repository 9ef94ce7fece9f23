import autocannon from 'autocannon';
import { sleep } from '../cleanup';
import { Measurement, round } from '../measurement';
import { appsOf, Stack } from '../processes';
import { rateMeasurement, steadyRate } from '../steady-rate';
import { ScenarioContext, uniqueName } from './scenario';

export interface HttpLoad {
  method: 'GET' | 'POST';
  connections: number;
  durationS: number;
  /** Builds request `seq`: the token rotates over the tenants, create names are unique. */
  build: (seq: number) => { authorization: string; body?: string };
}

/** `counter` is shared by the warm-up and the measured run, so no name is ever sent twice. */
export function cannon(
  ctx: ScenarioContext,
  baseUrl: string,
  load: HttpLoad,
  counter: { seq: number },
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections: load.connections,
        duration: load.durationS,
        timeout: 10,
        requests: [
          {
            method: load.method,
            path: '/projects',
            setupRequest: (request) => {
              const { authorization, body } = load.build(counter.seq++);
              return {
                ...request,
                headers: body ? { authorization, 'content-type': 'application/json' } : { authorization },
                body,
              };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)),
    );
    const stop = () => instance.stop();
    ctx.signal.addEventListener('abort', stop, { once: true });
    // autocannon ends itself after `duration`; this only guards against a run that never does.
    const guard = setTimeout(stop, (load.durationS + 30) * 1000);
    instance.once('done', () => {
      clearTimeout(guard);
      ctx.signal.removeEventListener('abort', stop);
    });
  });
}

async function measureHttp(ctx: ScenarioContext, stack: Stack, load: HttpLoad): Promise<Measurement> {
  const counter = { seq: 0 };
  // The peak RSS reported is this load's own, not an earlier scenario's (the stack is shared).
  stack.gateway.resetPeakRss();
  stack.worker.resetPeakRss();
  if (ctx.warmupS > 0) {
    await cannon(ctx, stack.baseUrl, { ...load, durationS: ctx.warmupS }, counter);
  }
  const cpu = cpuMeter(stack);
  const result = await cannon(ctx, stack.baseUrl, load, counter);
  const cpuUsed = cpu();
  const ok = result['2xx'];
  return {
    rps: round(ok / result.duration),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    // autocannon's `errors` already includes timeouts.
    errors: result.non2xx + result.errors,
    requests: result.requests.total,
    duration_s: round(result.duration, 2),
    concurrency: load.connections,
    gateway_peak_rss_mb: stack.gateway.peakRssMb(),
    worker_peak_rss_mb: stack.worker.peakRssMb(),
    first_error: result.non2xx + result.errors > 0 ? statusSummary(result) : undefined,
    ...perRequest(cpuUsed, ok),
  };
}

/** CPU the apps (gateway and workers) have used so far, together; undefined off Linux. */
function appsCpuMs(stack: Stack): number | undefined {
  let total = 0;
  for (const app of appsOf(stack)) {
    const ms = app.cpuMs();
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}

/** Starts measuring the apps' CPU; the function returned says how much they have used since. */
function cpuMeter(stack: Stack): () => number | undefined {
  const before = appsCpuMs(stack);
  return () => {
    const after = appsCpuMs(stack);
    return before === undefined || after === undefined ? undefined : after - before;
  };
}

/** What a request cost the apps in CPU ms; undefined when it could not be measured. */
function msPerRequest(cpuMs: number | undefined, requests: number): number | undefined {
  return cpuMs === undefined || requests === 0 ? undefined : round(cpuMs / requests, 3);
}

/** What a request cost the apps, as a scenario's detail: nothing when it could not be measured. */
function perRequest(cpuMs: number | undefined, requests: number): Pick<Measurement, 'detail'> {
  const ms = msPerRequest(cpuMs, requests);
  return ms === undefined ? {} : { detail: { app_cpu_ms_per_request: ms } };
}

/** POST /projects as the token's tenant; throws unless it answers 2xx. */
export async function postProject(stack: Stack, token: string, name: string): Promise<void> {
  const res = await fetch(`${stack.baseUrl}/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /projects: ${res.status} ${text.slice(0, 200)}`);
}

function statusSummary(result: autocannon.Result): string {
  const codes = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, stat]) => `${code}×${stat.count ?? 0}`);
  return [...codes, result.errors ? `socket errors×${result.errors} (timeouts ${result.timeouts})` : '']
    .filter(Boolean)
    .join(', ');
}

function bearer(ctx: ScenarioContext, seq: number): string {
  return `Bearer ${ctx.tokens[seq % ctx.tokens.length]}`;
}

/** POST /projects through gateway → RabbitMQ → worker → PostgreSQL. */
export function runFullCreate(ctx: ScenarioContext, stack: Stack, label: string, connections: number) {
  return measureHttp(ctx, stack, {
    method: 'POST',
    connections,
    durationS: ctx.options.duration,
    build: (seq) => ({
      authorization: bearer(ctx, seq),
      body: JSON.stringify({ name: uniqueName(label, seq) }),
    }),
  });
}

/** GET /projects (a page of 20) the same way; the caller seeds enough projects first. */
export function runFullList(ctx: ScenarioContext, stack: Stack) {
  return measureHttp(ctx, stack, {
    method: 'GET',
    connections: ctx.options.connections,
    durationS: ctx.options.duration,
    build: (seq) => ({ authorization: bearer(ctx, seq) }),
  });
}

/** The stacks compared by runObservability: as configured, without tracing, without all three. */
export interface ObservabilityStacks {
  observed: Stack;
  untraced: Stack;
  quiet: Stack;
}

/**
 * What logs, metrics and traces cost a create: POST /projects at `ratePerS` on three stacks at the
 * same time (as configured; without tracing; without logs, metrics or tracing), each stack's apps'
 * CPU per create over the same window. Run side by side, all meet the same machine: measured one
 * after the other, the CPU per create of one and the same stack moved by ±20% between windows here,
 * twice the effect. The measurement is the observed stack's; `detail` has the others' CPU and
 * latencies.
 */
export async function runObservability(
  ctx: ScenarioContext,
  stacks: ObservabilityStacks,
  label: string,
  ratePerS: number,
): Promise<Measurement> {
  const creates = (stack: Stack, prefix: string) => {
    let seq = 0;
    return () => {
      const n = seq++;
      return postProject(stack, ctx.tokens[n % ctx.tokens.length], uniqueName(prefix, n));
    };
  };
  const all = [stacks.observed, stacks.untraced, stacks.quiet];
  const ops = all.map((stack, i) => creates(stack, `${label}-${i}`));
  const options = { ratePerS, signal: ctx.signal };
  if (ctx.warmupS > 0) {
    const warm = sleep(ctx.warmupS * 1000, ctx.signal);
    await Promise.all(ops.map((op) => steadyRate(op, warm, options)));
  }
  const meters = all.map(cpuMeter);
  const window = sleep(ctx.options.duration * 1000, ctx.signal);
  const runs = await Promise.all(ops.map((op) => steadyRate(op, window, options)));
  const cpu = meters.map((meter, i) => msPerRequest(meter(), runs[i].samples.length) ?? NaN);
  const [observed, untraced, quiet] = runs.map((run, i) =>
    rateMeasurement(run.samples, run.elapsedMs, ratePerS, all[i]),
  );
  return {
    ...observed,
    detail: {
      app_cpu_ms_per_request: cpu[0],
      untraced_app_cpu_ms_per_request: cpu[1],
      quiet_app_cpu_ms_per_request: cpu[2],
      untraced_p50_ms: untraced.p50_ms,
      untraced_p99_ms: untraced.p99_ms,
      quiet_p50_ms: quiet.p50_ms,
      quiet_p99_ms: quiet.p99_ms,
      others_errors: untraced.errors + quiet.errors,
    },
  };
}

import { performance } from 'node:perf_hooks';
import { jobQueueFor } from '@app/messaging';
import { sleep } from '../cleanup';
import { createTenants } from '../database';
import { Measurement, percentile, round } from '../measurement';
import { Stack } from '../processes';
import { rateMeasurement, steadyRate } from '../steady-rate';
import { cannon } from './full-stack.scenario';
import { importItems, runImportJob } from './import-client';
import { jobQueueShards } from '../environment';
import { ScenarioContext, tokenFor, uniqueName } from './scenario';

// The measurement: B reads a page every 100 ms; A sends ten times as many creates, past
// its own budget, which the operator set with tenant:limits.
const B_RATE_PER_S = 10;
const A_RATE_PER_S = 10 * B_RATE_PER_S;
const A_BUDGET = { rps: 20, burst: 20 };
const PAGE = '/projects?limit=5';
const FLOOD_CONNECTIONS = 32;

async function call(stack: Stack, token: string, path: string, body?: object): Promise<number> {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
    body: body && JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok && res.status !== 429) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
  return res.status;
}

/**
 * Tenant B's reads alone for `--duration` s, then the same while tenant A floods creates at ten
 * times B's rate, past its own budget. Two fresh tenants each time, so that A's budget (kept by the
 * gateway for RATE_LIMIT_CACHE_MS) reaches no other scenario. The measurement is B's while A floods;
 * `detail` has B alone and what A got. A 429 for B is an error.
 */
export async function runNoisyNeighbour(
  ctx: ScenarioContext,
  stack: Stack,
  label: string,
): Promise<Measurement> {
  const [a, b] = await createTenants(ctx.admin, 2);
  // What `npm run tenant:limits -- --tenant <a> --rps 20 --burst 20` writes.
  await ctx.admin.query('UPDATE tenants SET rate_limit_rps = $2, rate_limit_burst = $3 WHERE id = $1', [
    a,
    A_BUDGET.rps,
    A_BUDGET.burst,
  ]);
  const [tokenA, tokenB] = [tokenFor(ctx.env, a), tokenFor(ctx.env, b)];

  const read = async () => {
    const status = await call(stack, tokenB, PAGE);
    if (status === 429) throw new Error(`${PAGE}: 429 for the tenant that stayed in its budget`);
  };
  const statuses = new Map<number, number>();
  let seq = 0;
  const flood = async () => {
    const status = await call(stack, tokenA, '/projects', { name: uniqueName(`${label}-a`, seq++) });
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };
  const options = { ratePerS: B_RATE_PER_S, signal: ctx.signal };
  // The gateway learns A's budget from a worker on A's first request.
  await flood();
  if (ctx.warmupS > 0) await steadyRate(read, sleep(ctx.warmupS * 1000, ctx.signal), options);

  const alone = await steadyRate(read, sleep(ctx.options.duration * 1000, ctx.signal), options);
  statuses.clear();
  const window = sleep(ctx.options.duration * 1000, ctx.signal);
  const [busy, flooded] = await Promise.all([
    steadyRate(read, window, options),
    steadyRate(flood, window, { ...options, ratePerS: A_RATE_PER_S }),
  ]);
  const aloneM = rateMeasurement(alone.samples, alone.elapsedMs, B_RATE_PER_S, stack);
  const accepted = [...statuses].filter(([s]) => s < 300).reduce((n, [, count]) => n + count, 0);

  // Beyond the 10×: A as fast as FLOOD_CONNECTIONS connections go (autocannon, in this
  // process), nearly all of it refused with 429 at the gateway. Reported, not a target.
  const floodWindow = sleep(ctx.options.duration * 1000, ctx.signal);
  const [underFlood, fast] = await Promise.all([
    steadyRate(read, floodWindow, options),
    cannon(
      ctx,
      stack.baseUrl,
      {
        method: 'POST',
        connections: FLOOD_CONNECTIONS,
        durationS: ctx.options.duration,
        build: (n) => ({
          authorization: `Bearer ${tokenA}`,
          body: JSON.stringify({ name: `${label}-f${n}` }),
        }),
      },
      { seq: 0 },
    ),
  ]);
  const floodM = rateMeasurement(underFlood.samples, underFlood.elapsedMs, B_RATE_PER_S, stack);
  const refused = fast.statusCodeStats?.['429']?.count ?? 0;
  return {
    ...rateMeasurement(busy.samples, busy.elapsedMs, B_RATE_PER_S, stack),
    detail: {
      alone_p50_ms: aloneM.p50_ms,
      alone_p99_ms: aloneM.p99_ms,
      alone_errors: aloneM.errors,
      a_sent: flooded.samples.length,
      a_accepted_per_s: round(accepted / (flooded.elapsedMs / 1000)),
      a_refused_429: statuses.get(429) ?? 0,
      a_errors: flooded.samples.filter((s) => !s.ok).length,
      flood_b_p50_ms: floodM.p50_ms,
      flood_b_p99_ms: floodM.p99_ms,
      flood_b_errors: floodM.errors,
      flood_a_per_s: round(fast.requests.total / fast.duration),
      flood_a_refused_share: round(refused / Math.max(1, fast.requests.total), 3),
    },
  };
}

const SMALL_IMPORT = 10;
const LARGE_IMPORT = 10_000;
const SMALL_ALONE = 5;

/**
 * The jobs half: tenant B's 10-item import, POST to the job's end, alone (five of them), then one
 * after another while tenant A imports 10,000 items back to back for `--duration` s; only B's imports
 * started while one of A's runs count. B is a tenant on another jobs queue than A's (one tenant in
 * JOB_QUEUE_SHARDS shares A's, and then queues behind it, as with a single queue).
 */
export async function runNoisyJobs(ctx: ScenarioContext, stack: Stack, label: string): Promise<Measurement> {
  const shards = jobQueueShards();
  const shardOf = (tenantId: string) => jobQueueFor(ctx.env.queuePrefix, shards, tenantId);
  const [a] = await createTenants(ctx.admin, 1);
  let b = (await createTenants(ctx.admin, 1))[0];
  while (shards > 1 && shardOf(b) === shardOf(a)) b = (await createTenants(ctx.admin, 1))[0];
  const [tokenA, tokenB] = [tokenFor(ctx.env, a), tokenFor(ctx.env, b)];
  let seq = 0;
  const small = async () =>
    (
      await runImportJob(
        stack.baseUrl,
        tokenB,
        importItems(`${label}-b${seq++}-`, SMALL_IMPORT, 0),
        ctx.signal,
      )
    ).totalMs;

  await small(); // warm-up
  const alone: number[] = [];
  for (let i = 0; i < SMALL_ALONE; i++) alone.push(await small());

  let running = false;
  let largeDone = 0;
  const deadline = performance.now() + ctx.options.duration * 1000;
  const flood = (async () => {
    for (let i = 0; performance.now() < deadline && !ctx.signal.aborted; i++) {
      running = true;
      try {
        await runImportJob(
          stack.baseUrl,
          tokenA,
          importItems(`${label}-a${i}-`, LARGE_IMPORT, 0),
          ctx.signal,
        );
        largeDone++;
      } finally {
        running = false;
      }
    }
  })();
  const busy: number[] = [];
  const smalls = (async () => {
    while (performance.now() < deadline && !ctx.signal.aborted) {
      const counted = running;
      const ms = await small();
      if (counted) busy.push(ms);
    }
  })();
  // A failed import (either tenant's) fails the scenario.
  await Promise.all([flood, smalls]);

  const sorted = (xs: number[]) => Float64Array.from(xs).sort();
  const [aloneS, busyS] = [sorted(alone), sorted(busy)];
  return {
    rps: round(busy.length / ctx.options.duration, 2),
    p50_ms: round(percentile(busyS, 50), 2),
    p99_ms: round(percentile(busyS, 99), 2),
    errors: 0,
    requests: busy.length,
    duration_s: ctx.options.duration,
    unit: 'small imports/s',
    gateway_peak_rss_mb: stack.gateway.peakRssMb(),
    worker_peak_rss_mb: stack.worker.peakRssMb(),
    detail: {
      alone_p50_ms: round(percentile(aloneS, 50), 2),
      alone_max_ms: round(aloneS[aloneS.length - 1], 2),
      busy_max_ms: round(busyS[busyS.length - 1] ?? NaN, 2),
      large_imports: largeDone,
    },
  };
}

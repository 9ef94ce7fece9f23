import { performance } from 'node:perf_hooks';
import { expectRows } from '../database';
import { Measurement, percentile, round } from '../measurement';
import { Stack } from '../processes';
import { importItems, ImportRun, runImportJob } from './import-client';
import { ScenarioContext } from './scenario';

/** The size: the largest import the API takes. */
export const IMPORT_ITEMS = 10_000;
// Imports measured per run, one after another: one import takes a few hundred milliseconds.
const MEASURED_IMPORTS = 3;
// The importing tenant; creates-during-import.scenario.ts sends its creates as another one.
export const IMPORTER = 0;

/** Imports `count` items named `<prefix><i>` as the importer, then checks the job and the rows. */
export async function importChecked(
  ctx: ScenarioContext,
  stack: Stack,
  prefix: string,
  count: number,
  tasksPerItem: number,
): Promise<ImportRun> {
  const items = importItems(prefix, count, tasksPerItem);
  const run = await runImportJob(stack.baseUrl, ctx.tokens[IMPORTER], items, ctx.signal);
  await expectRows(ctx.admin, ctx.tenants[IMPORTER], prefix, {
    projects: count,
    tasks: count * tasksPerItem,
  });
  return run;
}

/**
 * 10,000-item imports on an otherwise idle stack, one after another, each from POST to the job's
 * end: `rps` is rows written per second over all of them, tasks included (`detail.items_per_s`
 * counts projects only). p50 and p99 are of the POST's own answer time (→ 202). One import of the
 * same size warms up first: the first large import of a process runs cold (2-3× slower here).
 */
export async function runImport(
  ctx: ScenarioContext,
  stack: Stack,
  label: string,
  tasksPerItem: number,
): Promise<Measurement> {
  if (ctx.warmupS > 0) await importChecked(ctx, stack, `warm-${label}-`, IMPORT_ITEMS, tasksPerItem);
  const runs: ImportRun[] = [];
  for (let i = 0; i < MEASURED_IMPORTS; i++) {
    runs.push(await importChecked(ctx, stack, `${label}-${i}-`, IMPORT_ITEMS, tasksPerItem));
  }
  const seconds = runs.reduce((sum, run) => sum + run.totalMs, 0) / 1000;
  const rows = runs.length * IMPORT_ITEMS * (1 + tasksPerItem);
  const accepts = Float64Array.from(runs.map((run) => run.acceptMs)).sort();
  return {
    rps: round(rows / seconds),
    p50_ms: round(percentile(accepts, 50), 2),
    p99_ms: round(percentile(accepts, 99), 2),
    errors: 0,
    requests: rows,
    duration_s: round(seconds, 2),
    unit: 'rows/s',
    gateway_peak_rss_mb: stack.gateway.peakRssMb(),
    worker_peak_rss_mb: stack.worker.peakRssMb(),
    detail: {
      imports: runs.length,
      tasks_per_item: tasksPerItem,
      ...(stack.jobsWorker && { jobs_worker_peak_rss_mb: stack.jobsWorker.peakRssMb() ?? 0 }),
      items_per_s: round((runs.length * IMPORT_ITEMS) / seconds),
      retries: runs.reduce((sum, run) => sum + run.retries, 0),
    },
  };
}

/**
 * Imports of 10,000 items back to back, each checked, until `durationMs` has passed (at least one).
 * `running` is true while one is in flight, from its POST until its end is seen.
 */
export function importsFor(
  ctx: ScenarioContext,
  stack: Stack,
  label: string,
  durationMs: number,
): { done: Promise<ImportRun[]>; running: () => boolean } {
  let running = false;
  const deadline = performance.now() + durationMs;
  const loop = async () => {
    const runs: ImportRun[] = [];
    do {
      running = true;
      try {
        runs.push(await importChecked(ctx, stack, `${label}-i${runs.length}-`, IMPORT_ITEMS, 0));
      } finally {
        running = false;
      }
    } while (performance.now() < deadline && !ctx.signal.aborted);
    return runs;
  };
  return { done: loop(), running: () => running };
}

import { performance } from 'node:perf_hooks';
import { expectRows } from '../database';
import { Measurement, round } from '../measurement';
import { Stack } from '../processes';
import { importItems, ImportRun, runImportJob } from './import-client';
import { ScenarioContext } from './scenario';

/** The size: the largest import the API takes. */
export const IMPORT_ITEMS = 10_000;
const WARMUP_ITEMS = 1_000;
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
 * One 10,000-item import on an otherwise idle stack, from POST to the job's end: `rps` is rows
 * written per second, tasks included (`detail.items_per_s` counts projects only). Its p50 and p99
 * are the POST's own answer time (→ 202), one request per run. A smaller import warms up first.
 */
export async function runImport(
  ctx: ScenarioContext,
  stack: Stack,
  label: string,
  tasksPerItem: number,
): Promise<Measurement> {
  if (ctx.warmupS > 0) await importChecked(ctx, stack, `warm-${label}-`, WARMUP_ITEMS, tasksPerItem);
  const run = await importChecked(ctx, stack, `${label}-`, IMPORT_ITEMS, tasksPerItem);
  const seconds = run.totalMs / 1000;
  const rows = IMPORT_ITEMS * (1 + tasksPerItem);
  return {
    rps: round(rows / seconds),
    p50_ms: round(run.acceptMs, 2),
    p99_ms: round(run.acceptMs, 2),
    errors: 0,
    requests: rows,
    duration_s: round(seconds, 2),
    unit: 'rows/s',
    gateway_peak_rss_mb: stack.gateway.peakRssMb(),
    worker_peak_rss_mb: stack.worker.peakRssMb(),
    detail: {
      tasks_per_item: tasksPerItem,
      items_per_s: round(IMPORT_ITEMS / seconds),
      accept_ms: round(run.acceptMs, 1),
      retries: run.retries,
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

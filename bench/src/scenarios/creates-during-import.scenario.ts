import { sleep } from '../cleanup';
import { countProjects } from '../database';
import { Measurement, round } from '../measurement';
import { Stack } from '../processes';
import { rateMeasurement, steadyRate } from '../steady-rate';
import { postProject } from './full-stack.scenario';
import { IMPORT_ITEMS, importsFor } from './import.scenario';
import { ScenarioContext } from './scenario';

/**
 * The interactive load: single creates at a steady, modest rate from a tenant that is not
 * importing, so that p99 shows how long a user waits, not how long a saturated queue is. 20/s is
 * under 5% of what full_create completes on this machine when it is quiet, and still well under
 * it when other work shares the two cores (at 50/s, busy moments alone saturated the stack).
 */
export const CREATE_RATE_PER_S = 20;
const CREATOR = 1;
/**
 * Each side is measured for at least this long: at 20/s, 10 s is 200 creates, whose p99 is the
 * second slowest of them, one stall of the shared machine. 30 s makes it the sixth slowest.
 */
const MIN_SECONDS = 30;

function secondsOf(ctx: ScenarioContext): number {
  return ctx.options.quick ? ctx.options.duration : Math.max(ctx.options.duration, MIN_SECONDS);
}

/**
 * Creates at CREATE_RATE_PER_S as the creator tenant while `background` runs (after a warm-up of
 * the same load alone); only creates sent while `counted()` holds are measured. Checks that every
 * create answered 2xx is in the database.
 */
async function measureCreates(
  ctx: ScenarioContext,
  stack: Stack,
  label: string,
  background: () => { done: Promise<unknown>; counted?: () => boolean },
): Promise<Measurement> {
  let seq = 0;
  const op = () => postProject(stack, ctx.tokens[CREATOR], `${label}-c${seq++}`);
  const options = { ratePerS: CREATE_RATE_PER_S, signal: ctx.signal };
  const warm =
    ctx.warmupS > 0 ? await steadyRate(op, sleep(ctx.warmupS * 1000, ctx.signal), options) : undefined;
  const { done, counted } = background();
  const { samples, elapsedMs } = await steadyRate(op, done, { ...options, counted });
  await done; // rethrows a failed import

  const all = [...(warm?.samples ?? []), ...samples];
  const stored = await countProjects(ctx.admin, ctx.tenants[CREATOR], `${label}-c`);
  // A create that timed out here may still have committed; one answered 2xx must have.
  const ok = all.filter((s) => s.ok).length;
  if (stored < ok || stored > all.length) {
    throw new Error(`${label}: ${ok} creates answered 2xx of ${all.length} sent, but ${stored} rows stored`);
  }
  const kept = samples.filter((s) => s.counted);
  return rateMeasurement(kept, elapsedMs, CREATE_RATE_PER_S, stack);
}

/** The interactive load alone, for `--duration` seconds (at least MIN_SECONDS): the baseline. */
export function runCreatesIdle(ctx: ScenarioContext, stack: Stack, label: string): Promise<Measurement> {
  return measureCreates(ctx, stack, label, () => ({ done: sleep(secondsOf(ctx) * 1000, ctx.signal) }));
}

/**
 * The same load while 10,000-item imports run back to back from another tenant, for at least as
 * long as the baseline (until the import running then ends). Creates sent between two imports
 * (while the end of one is being noticed) are not counted.
 */
export async function runCreatesBusy(
  ctx: ScenarioContext,
  stack: Stack,
  label: string,
): Promise<Measurement> {
  let imports: ReturnType<typeof importsFor> | undefined;
  const m = await measureCreates(ctx, stack, label, () => {
    imports = importsFor(ctx, stack, label, secondsOf(ctx) * 1000);
    return { done: imports.done, counted: imports.running };
  });
  const runs = (await imports?.done) ?? [];
  const importS = runs.reduce((sum, r) => sum + r.totalMs, 0) / 1000;
  return {
    ...m,
    detail: {
      imports: runs.length,
      import_rows_per_s: round((runs.length * IMPORT_ITEMS) / importS),
      import_retries: runs.reduce((sum, r) => sum + r.retries, 0),
    },
  };
}

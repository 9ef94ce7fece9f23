import { performance } from 'node:perf_hooks';
import { sleep } from './cleanup';
import { Measurement, percentile, round } from './measurement';

export interface LoopOptions {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  signal: AbortSignal;
  /** An operation slower than this counts as an error and its loop moves on. */
  opTimeoutMs?: number;
}

/** One operation; `seq` is unique across loops and phases, for unique names. */
export type Operation = (seq: number) => Promise<unknown>;

interface Phase {
  latencies: number[];
  errors: number;
  firstError?: string;
  elapsedMs: number;
}

/**
 * A closed-loop load generator: `concurrency` loops, each starting its next operation as soon as
 * the previous one ends, until the deadline. Nothing outlives the deadline by more than one
 * operation timeout.
 */
export async function closedLoop(op: Operation, options: LoopOptions): Promise<Measurement> {
  let seq = 0;
  const next = () => seq++;
  if (options.warmupMs > 0) await phase(op, next, options.warmupMs, options);
  const measured = await phase(op, next, options.durationMs, options);
  const sorted = Float64Array.from(measured.latencies).sort();
  const completed = measured.latencies.length;
  return {
    rps: round(completed / (measured.elapsedMs / 1000)),
    p50_ms: round(percentile(sorted, 50), 2),
    p99_ms: round(percentile(sorted, 99), 2),
    errors: measured.errors,
    requests: completed + measured.errors,
    duration_s: round(measured.elapsedMs / 1000, 2),
    concurrency: options.concurrency,
    first_error: measured.firstError,
  };
}

async function phase(op: Operation, next: () => number, ms: number, options: LoopOptions): Promise<Phase> {
  const result: Phase = { latencies: [], errors: 0, elapsedMs: 0 };
  const opTimeoutMs = options.opTimeoutMs ?? 10_000;
  const started = performance.now();
  const deadline = started + ms;

  const loop = async () => {
    while (performance.now() < deadline && !options.signal.aborted) {
      const t0 = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          op(next()),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`operation timed out (${opTimeoutMs} ms)`)),
              opTimeoutMs,
            );
          }),
        ]);
        result.latencies.push(performance.now() - t0);
      } catch (err) {
        result.errors++;
        result.firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      } finally {
        clearTimeout(timer);
      }
    }
  };
  const loops = Promise.all(Array.from({ length: options.concurrency }, loop));
  // Every loop ends at most one operation timeout after the deadline; this guards the guard.
  await Promise.race([loops, sleep(ms + opTimeoutMs + 5_000, options.signal)]);
  // Operations in flight at the deadline still finish and count, so the divisor includes their time.
  result.elapsedMs = performance.now() - started;
  return result;
}

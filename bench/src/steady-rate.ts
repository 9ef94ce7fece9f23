import { performance } from 'node:perf_hooks';
import { sleep } from './cleanup';

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

import { existsSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

const THREADS = '/proc/self/task';

/**
 * Raises the process's nice value to `nice` (never lowers it: that needs privileges). Linux keeps
 * a nice value per thread and os.setPriority(0, …) sets the calling one's only; V8's and libuv's
 * helper threads (garbage collection, compilation, I/O) exist by now, so each thread is set by its
 * id. Elsewhere the process is set as a whole.
 */
export function lowerPriority(nice: number): void {
  if (nice <= getPriority()) return;
  if (!existsSync(THREADS)) {
    setPriority(nice);
    return;
  }
  for (const tid of readdirSync(THREADS)) {
    try {
      setPriority(Number(tid), nice);
    } catch {
      // A thread that ended between the listing and now; a refusal shows in the check below.
    }
  }
  if (getPriority() < nice) throw new Error(`could not lower the worker's priority to nice ${nice}`);
}

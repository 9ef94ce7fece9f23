/**
 * Everything the bench starts registers its undo here. The undos run once, newest first, each
 * bounded in time, whether the run finishes, throws or is interrupted (Ctrl-C / SIGTERM).
 */
export class Cleanup {
  private readonly steps: { name: string; undo: () => Promise<unknown> }[] = [];
  private readonly syncSteps: (() => void)[] = [];
  private running?: Promise<void>;
  readonly abort = new AbortController();

  add(name: string, undo: () => Promise<unknown>): void {
    this.steps.push({ name, undo });
  }

  /** Last resort for a process that exits without running the async undos (e.g. killing children). */
  addOnExit(undo: () => void): void {
    this.syncSteps.push(undo);
  }

  run(): Promise<void> {
    this.running ??= this.runSteps();
    return this.running;
  }

  private async runSteps(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out after 15 s')), 15_000);
      });
      try {
        await Promise.race([step.undo(), timeout]);
      } catch (err) {
        console.error(`cleanup: ${step.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** First signal: abort the scenarios (main's finally then cleans up); force it after 20 s. */
  installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.abort.signal.aborted) return;
      console.error(`\n${signal}: stopping the benchmark and cleaning up…`);
      this.abort.abort(new Error(`interrupted by ${signal}`));
      setTimeout(() => {
        void this.run().finally(() => process.exit(130));
      }, 20_000).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', () => {
      for (const undo of this.syncSteps) {
        try {
          undo();
        } catch {
          // Exiting anyway.
        }
      }
    });
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

import { performance } from 'node:perf_hooks';

export interface JobPacingOptions {
  /** Batches run at once (the jobs queue's prefetch): two overlap one's CPU with the other's database work. */
  concurrency: number;
  /** The longest a batch waits for interactive messages to finish, so that jobs never starve. */
  maxWaitMs: number;
}

/**
 * Interactive messages first: a job's batch starts only while no interactive message is in hand,
 * or once it has waited maxWaitMs. A batch already running is not stopped. The broker cannot do
 * this: its priorities order the messages of one queue, and commands and batches have a queue each.
 */
export class JobPacing {
  private interactive = 0;
  private running = 0;
  private readonly waiting: Array<{ sinceMs: number; start: () => void }> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly options: JobPacingOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** An interactive message is in hand until the returned function is called. */
  interactiveStarted(): () => void {
    this.interactive += 1;
    return once(() => {
      this.interactive -= 1;
      this.pump();
    });
  }

  /** Resolves when a batch may start; it runs until the returned function is called. */
  async jobTurn(): Promise<() => void> {
    await new Promise<void>((start) => {
      this.waiting.push({ sinceMs: this.now(), start });
      this.pump();
    });
    return once(() => {
      this.running -= 1;
      this.pump();
    });
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length > 0 && this.running < this.options.concurrency) {
      const next = this.waiting[0];
      const waitedMs = this.now() - next.sinceMs;
      if (this.interactive > 0 && waitedMs < this.options.maxWaitMs) {
        this.timer = setTimeout(() => this.pump(), this.options.maxWaitMs - waitedMs);
        return;
      }
      this.waiting.shift();
      this.running += 1;
      next.start();
    }
  }
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}

// The worker as a real process (`node dist/apps/worker/src/main.js`), for faults only a process can
// suffer: kill -9 and SIGTERM. An in-process worker can only be closed, and two Nest apps in one
// process share nestjs-cls's plugin host. `npm test` builds dist before jest; a build older than the
// sources is refused here rather than tested.
import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
const READY = 'Worker is consuming';
const BOOT_MS = 30_000;
// Enough of the log to explain a failure without keeping every retry warning of a long run.
const LOG_LINES = 300;
// Lines below WARN, pretty-printed or JSON: the many routine ones the tail may drop.
const ROUTINE = /\] (TRACE|DEBUG|INFO):|"level":(10|20|30)\b/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One worker process, with its own environment on top of this test file's. */
export class WorkerProcess {
  private readonly lines: string[] = [];
  // Every warning and error, kept in full: a busy worker's routine lines push them out of the tail.
  private readonly notable: string[] = [];
  private readonly exit: Promise<Exit>;
  private exited?: Exit;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exit = new Promise((resolve) => {
      // 'close', not 'exit': the last lines of the log have been read by then.
      child.on('close', (code, signal) => resolve((this.exited = { code, signal })));
    });
    const keep = (chunk: Buffer) => {
      const lines = chunk.toString('utf8').split('\n').filter(Boolean);
      this.notable.push(...lines.filter((line) => !ROUTINE.test(line)));
      this.lines.push(...lines);
      this.lines.splice(0, Math.max(0, this.lines.length - LOG_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts a worker with this test file's environment (queue prefix, database, keys) plus `env`. */
  static async start(name: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
    assertBuilt();
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(name, child);
    live.add(worker);
    void worker.exit.then(() => live.delete(worker));
    try {
      await waitFor(
        () => {
          if (worker.exited) throw new Error(`worker ${name} exited during boot`);
          return Promise.resolve(worker.timesLogged(READY) > 0);
        },
        BOOT_MS,
        `worker ${name} consuming`,
      );
    } catch (error) {
      await worker.kill();
      throw withLog(error, [worker]);
    }
    return worker;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  /** kill -9: no drain, no close; the broker requeues what it held. */
  kill(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exit;
  }

  /**
   * SIGTERM, then waits (bounded by `withinMs`) for the process to go. Returns how it went and how
   * long it took; one still running then is killed, and the error carries its log.
   */
  async terminate(withinMs: number): Promise<Exit & { ms: number }> {
    const started = Date.now();
    this.child.kill('SIGTERM');
    const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), withinMs).unref());
    const exit = await Promise.race([this.exit, timer]);
    if (!exit) {
      await this.kill();
      throw withLog(new Error(`worker ${this.name} still running ${withinMs} ms after SIGTERM`), [this]);
    }
    return { ...exit, ms: Date.now() - started };
  }

  /** How many lines the worker has logged that contain this text: every warning, routine lines of the tail. */
  timesLogged(text: string): number {
    const routine = this.lines.filter((line) => ROUTINE.test(line) && line.includes(text)).length;
    return routine + this.notable.filter((line) => line.includes(text)).length;
  }

  describe(): string {
    const state = this.exited ? `exited ${JSON.stringify(this.exited)}` : 'running';
    return `--- worker ${this.name} (pid ${this.pid}, ${state}) ---\n${this.lines.join('\n')}`;
  }
}

// Every worker process this test file started and that has not exited yet.
const live = new Set<WorkerProcess>();

// Should jest's process end without its hooks (a crash, process.exit), no worker outlives it.
process.once('exit', () => {
  for (const worker of live) worker.kill().catch(() => undefined);
});

/**
 * Worker processes for a test file: any still running after a test (passed, failed, or timed out
 * while one was booting) are killed, and again after the file. `withLogs` wraps a test so that its
 * failure shows the output of the workers it started.
 */
export function useWorkerProcesses() {
  const started: WorkerProcess[] = [];
  const killAll = async () => {
    started.length = 0;
    await Promise.all([...live].map((worker) => worker.kill()));
  };
  afterEach(killAll);
  afterAll(killAll);
  return {
    async start(name: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
      const worker = await WorkerProcess.start(name, env);
      started.push(worker);
      return worker;
    },
    withLogs(test: () => Promise<void>): () => Promise<void> {
      return async () => {
        try {
          await test();
        } catch (error) {
          throw withLog(error, started);
        }
      };
    },
  };
}

function withLog(error: unknown, workers: WorkerProcess[]): unknown {
  if (error instanceof Error && workers.length > 0) {
    error.message += `\n\n${workers.map((w) => w.describe()).join('\n\n')}`;
  }
  return error;
}

let builtChecked = false;

/** Refuses a missing build, or one older than a source file: the test would run yesterday's worker. */
export function assertBuilt(): void {
  if (builtChecked) return;
  const built = statSync(MAIN, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) throw new Error(`${MAIN} is missing: run \`npm run build\` first.`);
  for (const dir of ['apps', 'libs']) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      if (statSync(join(ROOT, dir, file)).mtimeMs > built) {
        throw new Error(`${dir}/${file} is newer than ${MAIN}: run \`npm run build\` first.`);
      }
    }
  }
  builtChecked = true;
}

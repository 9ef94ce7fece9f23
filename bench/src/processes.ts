import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Cleanup, sleep } from './cleanup';
import { BenchEnv, childEnvironment, REPO_ROOT } from './environment';
import { consumerCount } from './queues';

const READY_TIMEOUT_MS = 30_000;

// Where the apps' whole output goes as well, for a look at their log lines afterwards.
let logDir: string | undefined;

/** Appends each app's output to `<dir>/<name>.log` (BENCH_APP_LOG_DIR). */
export function keepAppLogs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  logDir = dir;
}
const STOP_TIMEOUT_MS = 5_000;

/** One app (gateway or worker) run from the built output as its own process, so its memory is its own. */
export class AppProcess {
  private readonly output: string[] = [];
  private exited?: number | string;
  private readonly exit: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const file = logDir && join(logDir, `${name}.log`);
    const keep = (chunk: Buffer) => {
      if (file) appendFileSync(file, chunk);
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 40));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exited = code ?? signal ?? 'unknown';
        resolve();
      }),
    );
  }

  static spawn(
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    nodeArgs: string[],
    cleanup: Cleanup,
  ): AppProcess {
    const child = spawn(process.execPath, [...nodeArgs, join(REPO_ROOT, script)], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(name, child);
    cleanup.add(`stop ${name}`, () => app.stop());
    cleanup.addOnExit(() => {
      if (app.exited === undefined) child.kill('SIGKILL');
    });
    return app;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  /** Polls `ready` until it holds; fails early, with the app's last output, if the app exits. */
  async waitUntil(ready: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
    const until = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < until && !signal.aborted) {
      if (this.exited !== undefined) throw this.failure(`exited (${this.exited}) while starting`);
      if (await ready().catch(() => false)) return;
      await sleep(100, signal);
    }
    throw this.failure(signal.aborted ? 'start interrupted' : `not ready after ${READY_TIMEOUT_MS} ms`);
  }

  /** Peak resident memory of the process so far (VmHWM), in MB. */
  peakRssMb(): number | undefined {
    return readStatusKb(this.pid, 'VmHWM');
  }

  /** Sends a signal (e.g. SIGUSR2 to the CPU-profile preload) without waiting. */
  signal(sig: NodeJS.Signals): void {
    if (this.exited === undefined) this.child.kill(sig);
  }

  async stop(): Promise<void> {
    if (this.exited !== undefined) return;
    this.child.kill('SIGTERM');
    await Promise.race([this.exit, sleep(STOP_TIMEOUT_MS)]);
    if (this.exited === undefined) {
      this.child.kill('SIGKILL');
      await Promise.race([this.exit, sleep(STOP_TIMEOUT_MS)]);
    }
  }

  private failure(what: string): Error {
    return new Error(`${this.name} ${what}. Last output:\n  ${this.output.join('\n  ')}`);
  }
}

function readStatusKb(pid: number, field: string): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Stack {
  baseUrl: string;
  gateway: AppProcess;
  worker: AppProcess;
}

/**
 * The worker runs with the heap cap of `npm run start:worker`: without it V8 lets Prisma's
 * short-lived garbage pile up to 300+ MB before a full collection (live set ~30 MB).
 */
const WORKER_NODE_ARGS = ['--max-old-space-size=192'];

/** Starts the worker, then the gateway, from dist/, and waits until each is ready. */
export async function startStack(
  env: BenchEnv,
  cleanup: Cleanup,
  nodeArgs: string[],
  profileDir?: string,
  extraEnv: Record<string, string> = {},
): Promise<Stack> {
  const profile: Record<string, string> = {
    ...extraEnv,
    ...(profileDir ? { BENCH_CPU_PROFILE_DIR: profileDir } : {}),
  };
  const worker = AppProcess.spawn(
    'worker',
    'dist/apps/worker/src/main.js',
    childEnvironment(env, { ...profile, WORKER_HTTP_PORT: '0' }),
    [...WORKER_NODE_ARGS, ...nodeArgs],
    cleanup,
  );
  await worker.waitUntil(
    async () => (await consumerCount(env.amqpUrl, env.queuePrefix)) > 0,
    cleanup.abort.signal,
  );
  // Picked once the worker listens: its own listener takes any free port, which could be this one.
  const port = await freePort();
  const gateway = AppProcess.spawn(
    'gateway',
    'dist/apps/gateway/src/main.js',
    childEnvironment(env, { ...profile, PORT: String(port), HOST: '127.0.0.1' }),
    nodeArgs,
    cleanup,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await gateway.waitUntil(
    async () => (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) })).ok,
    cleanup.abort.signal,
  );
  return { baseUrl, gateway, worker };
}

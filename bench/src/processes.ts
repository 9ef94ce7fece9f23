import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cleanup, sleep } from './cleanup';
import { BenchEnv, childEnvironment, REPO_ROOT } from './environment';
import { queueNames } from '@app/messaging';
import { consumerCount } from './queues';

const READY_TIMEOUT_MS = 30_000;
// USER_HZ, the unit of /proc/<pid>/stat's times: 100 on Linux, whatever the kernel's own tick.
const CLOCK_TICKS_PER_S = 100;

// The apps write their output to files, not to pipes the bench reads: reading and splitting their
// log lines cost the bench CPU on the machine it measures, more with every line the apps log.
let logDir: string | undefined;
let spawned = 0;

/** Keeps each app's output in `<dir>/<name>-<n>.log` (BENCH_APP_LOG_DIR); else in a temporary folder. */
export function keepAppLogs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  logDir = dir;
}

function logFile(name: string, cleanup: Cleanup): string {
  if (!logDir) {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-'));
    cleanup.addOnExit(() => rmSync(dir, { recursive: true, force: true }));
    logDir = dir;
  }
  return join(logDir, `${name}-${++spawned}.log`);
}

// The end of a file, as lines: what an app said last before it failed.
function lastLines(file: string, count: number): string[] {
  try {
    return readFileSync(file, 'utf8').slice(-16_384).split('\n').filter(Boolean).slice(-count);
  } catch {
    return [];
  }
}
const STOP_TIMEOUT_MS = 5_000;

/** One app (gateway or worker) run from the built output as its own process, so its memory is its own. */
export class AppProcess {
  private exited?: number | string;
  private readonly exit: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly log: string,
  ) {
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
    const log = logFile(name, cleanup);
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, [...nodeArgs, join(REPO_ROOT, script)], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd); // the child has its own copy
    const app = new AppProcess(name, child, log);
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

  /** Peak resident memory of the process (VmHWM) since it started or since resetPeakRss, in MB. */
  peakRssMb(): number | undefined {
    return readStatusKb(this.pid, 'VmHWM');
  }

  /** Starts VmHWM again from the current RSS (Linux: `5` to clear_refs); a no-op where refused. */
  resetPeakRss(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    } catch {
      // Not Linux, or not allowed: the peak then counts from the start.
    }
  }

  /** CPU time the process has used so far (user + system), in ms; undefined off Linux. */
  cpuMs(): number | undefined {
    try {
      // Fields 14 and 15 (utime, stime) in clock ticks, counted after the command's closing parenthesis.
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
    } catch {
      return undefined;
    }
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
    const output = lastLines(this.log, 40);
    return new Error(`${this.name} ${what} (output in ${this.log}). Last output:\n  ${output.join('\n  ')}`);
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
  /** The worker of commands (or of everything, under BENCH_ONE_WORKER=1). */
  worker: AppProcess;
  /** The worker of jobs' batches, at a lower priority; none under BENCH_ONE_WORKER=1. */
  jobsWorker?: AppProcess;
}

/**
 * The apps run with the flags of `npm run start:*`. V8 lets old space grow to about four times the
 * live set before a full collection, and a busy app promotes its requests' short-lived garbage at
 * 15+ MB/s: a full collection at 1.5× the live set (~50 MB) keeps RSS near what the apps hold,
 * without a heap cap that an unusual load could hit (docs/benchmarks.md, "Memory without a cap").
 */
const APP_NODE_ARGS = ['--heap-growing-percent=50'];
// The gateway's own, as `npm run start:gateway`: a new space of 4 MB a half (16 by default); what
// it allocates for a request rarely lives past one scavenge (docs/benchmarks.md, "A smaller new
// space for the gateway"). A full collection at 1.4× its live set: ~6 MB less at 64 connections
// (docs/benchmarks.md, "The gateway's memory, looked at again").
const GATEWAY_NODE_ARGS = ['--heap-growing-percent=40', '--max-semi-space-size=4'];
// The command worker's, as `npm run start:worker`: 8 MB a half (docs/benchmarks.md, "Prisma's query
// compiler, and the worker's memory").
const WORKER_NODE_ARGS = ['--max-semi-space-size=8'];

/** Every app process of the stack: the gateway and its workers. */
export function appsOf(stack: Stack): AppProcess[] {
  return [stack.gateway, stack.worker, ...(stack.jobsWorker ? [stack.jobsWorker] : [])];
}

/**
 * Node flags from an environment variable, split on spaces: BENCH_APP_NODE_ARGS for every app,
 * BENCH_GATEWAY_NODE_ARGS and BENCH_WORKER_NODE_ARGS on top of it for the gateway or the workers.
 */
export function nodeArgsFrom(variable: string): string[] {
  return (process.env[variable] ?? '').split(' ').filter(Boolean);
}

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
  const oneWorker = process.env.BENCH_ONE_WORKER === '1';
  const worker = AppProcess.spawn(
    'worker',
    'dist/apps/worker/src/main.js',
    childEnvironment(env, {
      ...profile,
      WORKER_HTTP_PORT: '0',
      WORKER_QUEUES: oneWorker ? 'all' : 'commands',
    }),
    [...APP_NODE_ARGS, ...WORKER_NODE_ARGS, ...nodeArgsFrom('BENCH_WORKER_NODE_ARGS'), ...nodeArgs],
    cleanup,
  );
  await worker.waitUntil(
    async () => (await consumerCount(env.amqpUrl, env.queuePrefix)) > 0,
    cleanup.abort.signal,
  );
  // As `npm start` runs them: jobs' batches in a worker of their own, which lowers its priority.
  // BENCH_ONE_WORKER=1 runs one worker for everything instead, to compare.
  const jobsWorker = oneWorker
    ? undefined
    : AppProcess.spawn(
        'jobs-worker',
        'dist/apps/worker/src/main.js',
        childEnvironment(env, {
          ...profile,
          ...(profileDir ? { BENCH_PROFILE_NAME: 'jobs-worker' } : {}),
          WORKER_HTTP_PORT: '0',
          WORKER_QUEUES: 'jobs',
        }),
        [...APP_NODE_ARGS, ...nodeArgsFrom('BENCH_WORKER_NODE_ARGS'), ...nodeArgs],
        cleanup,
      );
  const { jobs, jobStarts } = queueNames(env.queuePrefix);
  await jobsWorker?.waitUntil(
    async () =>
      (await consumerCount(env.amqpUrl, env.queuePrefix, jobs)) > 0 &&
      (await consumerCount(env.amqpUrl, env.queuePrefix, jobStarts)) > 0,
    cleanup.abort.signal,
  );
  // Picked once the worker listens: its own listener takes any free port, which could be this one.
  const port = await freePort();
  const gateway = AppProcess.spawn(
    'gateway',
    'dist/apps/gateway/src/main.js',
    childEnvironment(env, { ...profile, PORT: String(port), HOST: '127.0.0.1' }),
    [...APP_NODE_ARGS, ...GATEWAY_NODE_ARGS, ...nodeArgsFrom('BENCH_GATEWAY_NODE_ARGS'), ...nodeArgs],
    cleanup,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await gateway.waitUntil(
    async () => (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) })).ok,
    cleanup.abort.signal,
  );
  return { baseUrl, gateway, worker, jobsWorker };
}

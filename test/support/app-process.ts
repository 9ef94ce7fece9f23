// Either app as a real process with its own environment, for what only a process shows honestly:
// the log lines it writes to stdout (JSON under NODE_ENV=production). The output is kept whole.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';
import { assertBuilt } from './worker-process';

const ROOT = join(__dirname, '..', '..');
const BOOT_MS = 30_000;
const READY = { gateway: 'Gateway listening on port', worker: 'Worker is consuming' } as const;

export type AppName = keyof typeof READY;

export class AppProcess {
  private output = '';
  private readonly closed: Promise<unknown>;

  private constructor(
    readonly name: AppName,
    private readonly child: ChildProcess,
  ) {
    this.closed = once(child, 'close');
    const keep = (chunk: Buffer) => void (this.output += chunk.toString('utf8'));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** The app from dist, with this test file's environment plus `env`. */
  private static spawn(name: AppName, env: Record<string, string>): AppProcess {
    assertBuilt();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(name, child);
  }

  /** Starts the app from dist with this test file's environment plus `env`, and waits until it is ready. */
  static async start(name: AppName, env: Record<string, string> = {}): Promise<AppProcess> {
    const app = AppProcess.spawn(name, env);
    try {
      await waitFor(() => Promise.resolve(app.output.includes(READY[name])), BOOT_MS, `${name} ready`);
    } catch (error) {
      await app.stop();
      throw new Error(`${String(error)}\n--- ${name} ---\n${app.output}`);
    }
    return app;
  }

  /** Starts the app and waits, at most `withinMs`, for it to end by itself: for boots that must fail. */
  static async runToExit(
    name: AppName,
    env: Record<string, string>,
    withinMs = BOOT_MS,
  ): Promise<{ code: number | null; output: string }> {
    const app = AppProcess.spawn(name, env);
    const timer = setTimeout(() => app.child.kill('SIGKILL'), withinMs);
    try {
      await app.closed;
    } finally {
      clearTimeout(timer);
    }
    if (app.child.signalCode !== null)
      throw new Error(`${name} still running after ${withinMs} ms\n${app.output}`);
    return { code: app.child.exitCode, output: app.output };
  }

  /** Every complete line written so far. */
  get lines(): string[] {
    return this.output.split('\n').slice(0, -1);
  }

  /** The lines as JSON; throws, naming it, on a line that is not a JSON object. */
  json(): Array<Record<string, unknown>> {
    return this.lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`${this.name} wrote a line that is not JSON: ${line}`);
      }
    });
  }

  /** kill -9: no drain, no close; requests it held go unanswered. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.closed;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.closed;
  }
}

/** A TCP port free right now, for a gateway process to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

// The operator's commands as the operator runs them (`node dist/libs/database-admin/src/cli/…`), for
// tests that assert what they print, their exit code and what they change. `npm test` builds dist
// before jest; a build older than the sources it runs is refused here rather than tested.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI_DIR = join(ROOT, 'dist', 'libs', 'database-admin', 'src', 'cli');
const SOURCES = ['libs/database-admin', 'libs/database/src/safety', 'libs/config'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs db:migrate against the given URLs, with this test file's environment for the rest. */
export function runMigrateCli(urls: { adminUrl: string; runtimeUrl: string }): Promise<CliRun> {
  return runAdminCli('migrate', [], { DATABASE_ADMIN_URL: urls.adminUrl, DATABASE_URL: urls.runtimeUrl });
}

/** Runs tenant:limits with `args`, against this test file's database. */
export function runTenantLimitsCli(args: string[]): Promise<CliRun> {
  return runAdminCli('tenant-limits', args, {});
}

function runAdminCli(name: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  const main = join(CLI_DIR, `${name}.cli.js`);
  assertBuilt(main);
  const child = spawn(process.execPath, [main, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

function assertBuilt(main: string): void {
  const built = statSync(main, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) throw new Error(`${main} is missing: run \`npm run build\` first.`);
  for (const dir of SOURCES) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      if (statSync(join(ROOT, dir, file)).mtimeMs > built) {
        throw new Error(`${dir}/${file} is newer than ${main}: run \`npm run build\` first.`);
      }
    }
  }
}

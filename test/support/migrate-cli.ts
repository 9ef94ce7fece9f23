// `npm run db:migrate` as the operator runs it (`node dist/.../migrate.cli.js`), for tests that
// assert what it prints and its exit code. `npm test` builds dist before jest; a build older than
// the sources it runs is refused here rather than tested.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'libs', 'database-admin', 'src', 'cli', 'migrate.cli.js');
const SOURCES = ['libs/database-admin', 'libs/database/src/safety', 'libs/config'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs db:migrate against the given URLs, with this test file's environment for the rest. */
export function runMigrateCli(urls: { adminUrl: string; runtimeUrl: string }): Promise<CliRun> {
  assertBuilt();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_ADMIN_URL: urls.adminUrl, DATABASE_URL: urls.runtimeUrl },
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

function assertBuilt(): void {
  const built = statSync(MAIN, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) throw new Error(`${MAIN} is missing: run \`npm run build\` first.`);
  for (const dir of SOURCES) {
    for (const file of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      if (statSync(join(ROOT, dir, file)).mtimeMs > built) {
        throw new Error(`${dir}/${file} is newer than ${MAIN}: run \`npm run build\` first.`);
      }
    }
  }
}

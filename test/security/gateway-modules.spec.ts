// The gateway holds no database credentials, and loads no database code either: not Prisma's
// runtime, not pg, not the worker's side of any resource. What it never loads cannot be misused,
// and costs it no memory (about 8 MB of RSS when it did).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assertBuilt } from '../support/worker-process';

const ROOT = join(__dirname, '..', '..');
const DATABASE_CODE = /node_modules\/(@prisma\/|pg\/|pg-pool\/)|\/libs\/(database|message-pipeline)\//;

describe('The gateway’s modules', () => {
  it('should include no database client and no part of the worker', () => {
    assertBuilt();
    const script = `require('reflect-metadata');
      require(${JSON.stringify(join(ROOT, 'dist/apps/gateway/src/gateway.module.js'))});
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const loaded = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { cwd: ROOT }).toString(),
    ) as string[];

    expect(loaded.length).toBeGreaterThan(500); // the whole gateway module was loaded
    expect(loaded.filter((path) => DATABASE_CODE.test(path))).toEqual([]);
  });
});

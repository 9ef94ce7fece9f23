// Loaded with `node --require` into the gateway and the worker when the bench runs with
// --cpu-prof. Node's own --cpu-prof writes only on a normal exit, and Nest's shutdown hook
// re-raises SIGTERM, so the profile is taken through the inspector and written on SIGUSR2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, dirname, join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      // Named by the bench (two workers run the same main.js), else dist/apps/<app>/src/main.js → <app>.
      const app = process.env.BENCH_PROFILE_NAME ?? basename(dirname(dirname(process.argv[1] ?? 'app')));
      writeFileSync(join(dir, `${app}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

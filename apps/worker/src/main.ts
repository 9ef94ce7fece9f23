// First: tracing must patch http and pg before anything loads them.
import { tracingFailure } from './tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { WorkerEnv } from '@app/config';
import { createWorker } from './create-worker';
import { lowerPriority } from './lower-priority';
import { workerNiceFrom } from './worker.options';

const CONSUMING = { all: 'commands and jobs', commands: 'commands', jobs: 'jobs' } as const;

async function bootstrap(): Promise<void> {
  if (tracingFailure) throw tracingFailure;
  const worker = await createWorker();
  // Here, not in createWorker: signals belong to the process, and a worker built inside a test
  // process must not end it. On SIGTERM Nest closes the worker (stop consuming, drain, close), then
  // exits 0, or 1 if closing failed; by default it would re-raise the signal, and a clean shutdown
  // would look the same as dying of it.
  worker.enableShutdownHooks([], { useProcessExit: true });
  const config = worker.get<ConfigService<WorkerEnv, true>>(ConfigService);
  // Here too: a priority belongs to the process. A jobs worker yields the cores to the request path.
  lowerPriority(workerNiceFrom(config));
  await worker.listen();
  Logger.log(`Worker is consuming ${CONSUMING[config.get('WORKER_QUEUES', { infer: true })]}`, 'Bootstrap');
}

bootstrap().catch((err: unknown) => {
  Logger.error(err instanceof Error ? err.message : String(err), 'Bootstrap');
  // Nest holds log lines in a buffer until the app is up (bufferLogs); a boot that failed can leave
  // them there, this line included, and exit would drop them: the worker without a database role
  // used to end with code 1 and not a word.
  Logger.flush();
  process.exit(1);
});

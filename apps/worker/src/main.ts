import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createWorker } from './create-worker';

async function bootstrap(): Promise<void> {
  const worker = await createWorker();
  await worker.listen();
  Logger.log('Worker is consuming commands', 'Bootstrap');
}

bootstrap().catch((err: unknown) => {
  Logger.error(err instanceof Error ? err.message : String(err), 'Bootstrap');
  process.exit(1);
});

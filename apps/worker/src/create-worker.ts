import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AsyncMicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { WorkerEnv } from '@app/config';
import { CommandServer } from '@app/message-pipeline';
import { assertWorkerQueues, commandServerOptions } from '@app/messaging';
import { WorkerModule } from './worker.module';

/** Builds the worker, ready to listen; tests call this too. */
export async function createWorker(): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(WorkerModule, {
    inject: [ConfigService],
    useFactory: (config: ConfigService<WorkerEnv, true>) => ({
      strategy: new CommandServer(
        commandServerOptions({
          url: config.get('AMQP_URL', { infer: true }),
          queuePrefix: config.get('QUEUE_PREFIX', { infer: true }),
          prefetch: config.get('WORKER_PREFETCH', { infer: true }),
        }).options,
        { drainMs: config.get('WORKER_DRAIN_MS', { infer: true }) },
      ),
    }),
  });
  const config = app.get<ConfigService<WorkerEnv, true>>(ConfigService);
  // Declared before consuming: until the dead-letter queue exists, rejected messages are lost;
  // until the retry ladder exists, retried ones are.
  await assertWorkerQueues(
    config.get('AMQP_URL', { infer: true }),
    config.get('QUEUE_PREFIX', { infer: true }),
  );
  app.enableShutdownHooks();
  return app;
}

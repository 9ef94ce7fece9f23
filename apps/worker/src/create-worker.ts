import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AsyncMicroserviceOptions } from '@nestjs/microservices';
import { Logger, type INestMicroservice } from '@nestjs/common';
import { developmentKeysWarning, WorkerEnv } from '@app/config';
import { AppLogger } from '@app/logging';
import { CommandServer, MessageMetrics } from '@app/message-pipeline';
import { commandServerOptions, declareWorkerQueues, jobQueueNames, queueNames } from '@app/messaging';
import { MessageAuthenticator } from '@app/signing';
import { WorkerHealth } from './worker.health';
import { WorkerModule } from './worker.module';
import { brokerOptionsFrom } from './worker.options';

/** Builds the worker, ready to listen; tests call this too. */
export async function createWorker(): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(WorkerModule, {
    // Held until the app's own logger (LoggingModule) exists.
    bufferLogs: true,
    // The pipeline's authenticator: the transport checks each delivery's bytes with it before Nest
    // parses them, and the pipeline then finds that check done.
    inject: [ConfigService, MessageAuthenticator, MessageMetrics],
    useFactory: (
      config: ConfigService<WorkerEnv, true>,
      authenticator: MessageAuthenticator,
      metrics: MessageMetrics,
    ) => {
      const broker = brokerOptionsFrom(config);
      const queues = config.get('WORKER_QUEUES', { infer: true });
      const names = queueNames(broker.queuePrefix);
      const jobPrefetch = config.get('WORKER_JOB_PREFETCH', { infer: true });
      return {
        strategy: new CommandServer(commandServerOptions(broker).options, {
          drainMs: config.get('WORKER_DRAIN_MS', { infer: true }),
          maxMessageBytes: broker.queues.maxMessageBytes,
          authenticator,
          deadLetterQueue: names.deadLetter,
          metrics,
          // Before consuming, on every (re)connect: until the dead-letter queue and the retry ladder
          // exist, what is dead-lettered or retried is lost.
          declareQueues: (channel) => declareWorkerQueues(channel, broker),
          // Background jobs' batches: queues and a prefetch of their own, so that a large import
          // never makes interactive commands wait behind it; one queue per shard of tenants, each
          // consumed here, so that tenants' jobs interleave (JobPacing bounds how many run at once).
          // And the commands that start a job, which carry all its items (up to MESSAGE_MAX_BYTES):
          // as few at once as batches.
          moreQueues:
            queues === 'commands'
              ? []
              : [names.jobStarts, ...jobQueueNames(broker.queuePrefix, broker.queues.jobShards)].map(
                  (queue) => ({ queue, prefetch: jobPrefetch }),
                ),
          consumeCommands: queues !== 'jobs',
        }),
      };
    },
  });
  app.useLogger(app.get(AppLogger));
  const config = app.get<ConfigService<WorkerEnv, true>>(ConfigService);
  const warning = developmentKeysWarning({
    MESSAGE_SIGNING_KEY: config.get('MESSAGE_SIGNING_KEY', { infer: true }),
  });
  if (warning) Logger.warn(warning, 'Config');
  // /health/ready asks the transport whether it is connected and consuming.
  app.get(WorkerHealth).watch(app.getTransportServer() as CommandServer);
  return app;
}

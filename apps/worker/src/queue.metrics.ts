import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WorkerEnv } from '@app/config';
import { Metrics } from '@app/metrics';
import { jobQueueNames, queueNames, QueueProbe } from '@app/messaging';

/**
 * How many messages wait in each queue, the dead-letter queue's above all, asked of the broker at
 * scrape time. Exported by the worker rather than read from RabbitMQ's own Prometheus plugin: the
 * plugin gives per-queue numbers only with per-object metrics turned on, and its queue label would
 * carry QUEUE_PREFIX; here the label is the queue's role, the same in every deployment.
 */
@Injectable()
export class QueueMetrics implements OnApplicationShutdown {
  private readonly probe: QueueProbe;

  constructor(metrics: Metrics, @Inject(ConfigService) config: ConfigService<WorkerEnv, true>) {
    this.probe = new QueueProbe(config.get('AMQP_URL', { infer: true }));
    const prefix = config.get('QUEUE_PREFIX', { infer: true });
    const names = queueNames(prefix);
    // The jobs queues' shards count as one: the label is the queue's role.
    const queues = {
      commands: [names.commands],
      job_starts: [names.jobStarts],
      jobs: jobQueueNames(prefix, config.get('JOB_QUEUE_SHARDS', { infer: true })),
      dead_letters: [names.deadLetter],
    };
    const timeoutMs = config.get('HEALTH_TIMEOUT_MS', { infer: true });
    const probe = this.probe;
    metrics.gauge({
      name: 'tenantry_queue_messages',
      help: 'Messages ready in a queue (commands, job_starts, jobs, dead_letters), as the broker counts them at scrape time',
      labelNames: ['queue'] as const,
      async collect() {
        // A queue the broker cannot tell about has no sample, rather than a stale one.
        this.reset();
        await Promise.all(
          Object.entries(queues).map(async ([queue, shards]) => {
            const counts = await Promise.all(shards.map((name) => probe.counts(name, timeoutMs))).catch(
              () => undefined,
            );
            if (counts)
              this.set(
                { queue },
                counts.reduce((sum, c) => sum + c.messageCount, 0),
              );
          }),
        );
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

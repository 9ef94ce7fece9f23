import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { GatewayEnv } from '@app/config';
import { queueNames, QueueProbe } from '@app/messaging';

/**
 * Up while at least one worker consumes the command queue, as the broker counts consumers. Not a
 * ping command: the pipeline refuses anything that is not signed for a tenant, and a ping outside
 * it would be a second, unauthenticated way into the worker. The count is telling enough, because a
 * worker consumes only while it can work: it cancels its consumers while its database is
 * unreachable and while it drains. A worker that hangs with its consumer open still counts; its
 * requests then time out (503), and its own /health/ready says so.
 */
@Injectable()
export class WorkersHealthIndicator implements OnApplicationShutdown {
  private readonly probe: QueueProbe;
  private readonly queue: string;
  private readonly timeoutMs: number;

  constructor(
    @Inject(ConfigService) config: ConfigService<GatewayEnv, true>,
    private readonly health: HealthIndicatorService,
  ) {
    this.probe = new QueueProbe(config.get('AMQP_URL', { infer: true }));
    this.queue = queueNames(config.get('QUEUE_PREFIX', { infer: true })).commands;
    this.timeoutMs = config.get('HEALTH_TIMEOUT_MS', { infer: true });
  }

  async check() {
    const indicator = this.health.check('workers');
    try {
      const { consumerCount } = await this.probe.counts(this.queue, this.timeoutMs);
      return consumerCount > 0
        ? indicator.up({ consumers: consumerCount })
        : indicator.down({ message: 'no worker consumes the command queue' });
    } catch (err) {
      return indicator.down({ message: `command queue not readable: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}

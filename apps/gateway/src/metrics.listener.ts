import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GatewayEnv } from '@app/config';
import { Metrics, OpsListener } from '@app/metrics';

/** /metrics on METRICS_PORT instead of the public port, when that is set. */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listener: OpsListener;
  /** The port it listens on, once it does; undefined when /metrics is on the public port. */
  port?: number;

  constructor(
    metrics: Metrics,
    private readonly config: ConfigService<GatewayEnv, true>,
  ) {
    this.listener = new OpsListener({
      '/metrics': async () => ({ status: 200, ...(await metrics.scrape()) }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get('METRICS_PORT', { infer: true });
    if (port === undefined) return;
    this.port = await this.listener.listen(port, this.config.get('METRICS_HOST', { infer: true }));
    Logger.log(`Metrics on port ${this.port}`, 'Bootstrap');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }
}

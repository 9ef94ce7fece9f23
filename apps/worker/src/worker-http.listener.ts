import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WorkerEnv } from '@app/config';
import { Metrics, OpsAnswer, OpsListener } from '@app/metrics';
import { HealthAnswer, WorkerHealth } from './worker.health';

function json({ status, body }: HealthAnswer): OpsAnswer {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

/**
 * The worker's only HTTP: /metrics, /health/live and /health/ready on WORKER_HTTP_PORT. Listening
 * from bootstrap (before it consumes, so a probe sees "not ready" rather than nothing) until
 * shutdown (after it has drained).
 */
@Injectable()
export class WorkerHttpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listener: OpsListener;
  /** The port it listens on, once it does (the one chosen when WORKER_HTTP_PORT is 0). */
  port?: number;

  constructor(
    metrics: Metrics,
    health: WorkerHealth,
    @Inject(ConfigService) private readonly config: ConfigService<WorkerEnv, true>,
  ) {
    this.listener = new OpsListener({
      '/metrics': async () => ({ status: 200, ...(await metrics.scrape()) }),
      '/health/live': async () => json(await health.live()),
      '/health/ready': async () => json(await health.ready()),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const host = this.config.get('WORKER_HTTP_HOST', { infer: true });
    // A port taken fails the start, with the reason: a worker nobody can probe is not deployed blind.
    this.port = await this.listener.listen(this.config.get('WORKER_HTTP_PORT', { infer: true }), host);
    Logger.log(`Metrics and health on ${host}:${this.port}`, 'Bootstrap');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.close();
  }
}

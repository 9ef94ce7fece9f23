import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { WorkerEnv } from '@app/config';
import { DatabaseProbe } from '@app/database';
import type { TransportReadiness } from '@app/message-pipeline';

export interface HealthAnswer {
  status: 200 | 503;
  body: unknown;
}

/**
 * Whether the worker can take work: the database answers a probe, the transport is connected to
 * the broker and every queue it serves has a live consumer (none while its database watch has
 * closed the intake, or while it drains on shutdown). Terminus gives the body its usual shape.
 */
@Injectable()
export class WorkerHealth {
  private transport?: { readonly readiness: TransportReadiness };
  private readonly timeoutMs: number;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseProbe,
    @Inject(ConfigService) config: ConfigService<WorkerEnv, true>,
  ) {
    this.timeoutMs = config.get('HEALTH_TIMEOUT_MS', { infer: true });
  }

  /** The message transport it reports on; until it is given, the worker is not ready. */
  watch(transport: { readonly readiness: TransportReadiness }): void {
    this.transport = transport;
  }

  live(): Promise<HealthAnswer> {
    return this.answer([]);
  }

  ready(): Promise<HealthAnswer> {
    return this.answer([() => this.checkDatabase(), () => this.checkBroker(), () => this.checkConsuming()]);
  }

  private async answer(checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthAnswer> {
    try {
      return { status: 200, body: await this.health.check(checks) };
    } catch (err) {
      if (err instanceof ServiceUnavailableException) return { status: 503, body: err.getResponse() };
      throw err;
    }
  }

  private async checkDatabase() {
    const indicator = this.indicators.check('database');
    try {
      await this.database.ping(this.timeoutMs);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }

  private checkBroker() {
    const indicator = this.indicators.check('broker');
    return this.transport?.readiness.broker
      ? indicator.up()
      : indicator.down({ message: 'not connected to RabbitMQ' });
  }

  private checkConsuming() {
    const indicator = this.indicators.check('consumers');
    return this.transport?.readiness.consuming
      ? indicator.up()
      : indicator.down({ message: 'not consuming every queue (starting, paused or draining)' });
  }
}

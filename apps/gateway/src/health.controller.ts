import { Controller, Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiPublicResource } from '@app/api-docs';
import { Public } from '@app/auth';
import { BrokerHealthIndicator } from './broker.health';
import { WorkersHealthIndicator } from './workers.health';

/** Public, for orchestrators and load balancers: 200 or 503 with terminus's body, never a 500. */
@ApiPublicResource('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly broker: BrokerHealthIndicator,
    private readonly workers: WorkersHealthIndicator,
  ) {}

  /** The process answers; no dependency is asked, so a broker outage never gets the gateway restarted. */
  @Get('live')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'The process is up (no token; asks no dependency)' })
  live() {
    return this.health.check([]);
  }

  /** Worth sending requests to: connected to the broker, and a worker consumes the commands. */
  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Connected to the broker, and a worker consumes the commands (no token)' })
  ready() {
    return this.health.check([() => this.broker.check(), () => this.workers.check()]);
  }

  /** Kept for existing probes: the same as /health/ready. */
  @Get()
  @Public()
  // @HealthCheck() documents the 200 and 503 bodies.
  @HealthCheck()
  @ApiOperation({ summary: 'The same as /health/ready, kept for existing probes (no token)' })
  check() {
    return this.ready();
  }
}

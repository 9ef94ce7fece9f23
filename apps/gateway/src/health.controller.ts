import { Controller, Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiPublicResource } from '@app/api-docs';
import { Public } from '@app/auth';
import { BrokerHealthIndicator } from './broker.health';

@ApiPublicResource('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly broker: BrokerHealthIndicator,
  ) {}

  @Get()
  @Public()
  // @HealthCheck() documents the 200 and 503 bodies.
  @HealthCheck()
  @ApiOperation({ summary: 'Up and connected to the broker (no token)' })
  check() {
    return this.health.check([() => this.broker.check()]);
  }
}

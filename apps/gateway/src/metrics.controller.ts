import { Controller, Get, Header, NotFoundException, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiPublicResource } from '@app/api-docs';
import { Public } from '@app/auth';
import { GatewayEnv } from '@app/config';
import { Metrics } from '@app/metrics';

/**
 * Prometheus's scrape, public like /health: it holds counts and timings by route, pattern and
 * status, no tenant, user or payload. Where even that should not be public, METRICS_PORT moves it
 * to a listener of its own (on loopback by default) and this route answers 404.
 */
@ApiPublicResource('health')
@Controller('metrics')
export class MetricsController {
  private readonly here: boolean;

  constructor(
    private readonly metrics: Metrics,
    config: ConfigService<GatewayEnv, true>,
  ) {
    this.here = config.get('METRICS_PORT', { infer: true }) === undefined;
  }

  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics, text format (no token; 404 when METRICS_PORT is set)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Counters, gauges and histograms in the Prometheus text format' })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.here) throw new NotFoundException();
    const { contentType, body } = await this.metrics.scrape();
    void reply.header('content-type', contentType);
    return body;
  }
}

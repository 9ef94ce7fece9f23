import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Metrics } from './metrics';

/** Label value of a request no route matched (a 404 of Fastify's own): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The gateway's request histogram, by method, route pattern (`/projects/:id`, never the URL, which
 * would make a series per id) and status. Fastify's onResponse hook sees every answer, including
 * those a guard, a pipe, the body limit or the 404 handler gave; its elapsedTime costs no timer.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly duration;

  constructor(
    metrics: Metrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.duration = metrics.histogram({
      name: 'tenantry_http_request_duration_seconds',
      help: 'HTTP requests to the gateway, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      this.duration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status: reply.statusCode,
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}

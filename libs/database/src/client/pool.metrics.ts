import { Injectable } from '@nestjs/common';
import { Metrics } from '@app/metrics';
import { PrismaService } from './prisma.service';

/** The worker's connection pool, read at scrape time: nothing is counted on a query's path. */
@Injectable()
export class PoolMetrics {
  constructor(metrics: Metrics, prisma: PrismaService) {
    metrics.gauge({
      name: 'tenantry_db_pool_connections',
      help: 'Connections of the worker’s pool to PostgreSQL, by state (in_use, idle)',
      labelNames: ['state'] as const,
      collect() {
        const { total, idle } = prisma.poolStats;
        this.set({ state: 'in_use' }, total - idle);
        this.set({ state: 'idle' }, idle);
      },
    });
    metrics.gauge({
      name: 'tenantry_db_pool_waiting',
      help: 'Queries waiting for a connection of the pool',
      collect() {
        this.set(prisma.poolStats.waiting);
      },
    });
    metrics
      .gauge({ name: 'tenantry_db_pool_max', help: 'DATABASE_POOL_SIZE: connections the pool may open' })
      .set(prisma.poolStats.max);
  }
}

import { OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import type { DatabaseOptions } from '../database.options';
import { pipelineTenantOpening } from './tenant-opening';
import { keepWasmOnBaseline } from './wasm-baseline';

/** The pool's connections at one moment, for the pool gauges. */
export interface PoolStats {
  /** Open connections, busy or idle. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}

/**
 * The raw client, connected as the runtime role. Only the tenant transaction and the tenant-scoped
 * client use it; nothing outside libs/database may import it.
 */
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  // Made here, not by the adapter, so that its counts can be read (the adapter keeps its own private).
  private readonly pool: Pool;

  constructor(options: Pick<DatabaseOptions, 'url' | 'poolSize' | 'applicationName'>) {
    // Before the client's first query compiles its query compiler.
    keepWasmOnBaseline();
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      application_name: options.applicationName,
      // Statements go out without waiting for the answer to the one before (see pipelineTenantOpening).
      pipeline: true,
    });
    // A connection the server ends (PostgreSQL stopping) emits 'error' on its client; with no listener
    // that ends the worker. Its queries get the error anyway, and the pool drops such a client when
    // it comes back, so this listener has nothing else to do. Seen once in pipeline mode, where a
    // checked-out client can be between its holder's listeners.
    pool.on('connect', (client) => client.on('error', () => undefined));
    super({ adapter: new PrismaPg(pipelineTenantOpening(pool), { disposeExternalPool: true }) });
    this.pool = pool;
  }

  get poolStats(): PoolStats {
    const { totalCount, idleCount, waitingCount } = this.pool;
    return { total: totalCount, idle: idleCount, waiting: waitingCount, max: this.pool.options.max ?? 10 };
  }

  // At shutdown, not module destroy: on SIGTERM Nest destroys modules before it closes the message
  // server, and the worker's drain (CommandServer.close) still needs the pool to commit.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

import { OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import type { DatabaseOptions } from '../database.options';

/**
 * The raw client, connected as the runtime role. Only the tenant transaction and the tenant-scoped
 * client use it; nothing outside libs/database may import it.
 */
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(options: Pick<DatabaseOptions, 'url' | 'poolSize' | 'applicationName'>) {
    super({
      adapter: new PrismaPg({
        connectionString: options.url,
        max: options.poolSize,
        application_name: options.applicationName,
      }),
    });
  }

  // At shutdown, not module destroy: on SIGTERM Nest destroys modules before it closes the message
  // server, and the worker's drain (CommandServer.close) still needs the pool to commit.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

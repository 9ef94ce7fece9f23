import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WorkerEnv } from '@app/config';
import { PrismaService } from './prisma.service';

/** Provides the raw client; imported by the transactional CLS plugin and by DatabaseModule. */
@Global()
@Module({
  providers: [
    {
      provide: PrismaService,
      inject: [ConfigService],
      useFactory: (config: ConfigService<WorkerEnv, true>) =>
        new PrismaService({
          url: config.get('DATABASE_URL', { infer: true }),
          poolSize: config.get('DATABASE_POOL_SIZE', { infer: true }),
          applicationName: 'tenantry-worker',
        }),
    },
  ],
  exports: [PrismaService],
})
export class PrismaModule {}

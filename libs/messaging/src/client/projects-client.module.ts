import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClientProxy, ClientProxyFactory } from '@nestjs/microservices';
import { GatewayEnv } from '@app/config';
import { projectsClientOptions } from '../rmq-options';
import { signingKey } from '../signing/message-signature';
import { MESSAGE_SIGNING_KEY, MessageSigner } from '../signing/message-signer';
import { PROJECTS_RMQ_CLIENT, ProjectsClient, RPC_TIMEOUT_MS } from './projects.client';

@Module({
  providers: [
    {
      provide: PROJECTS_RMQ_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) =>
        ClientProxyFactory.create(
          projectsClientOptions({
            url: config.get('AMQP_URL', { infer: true }),
            queuePrefix: config.get('QUEUE_PREFIX', { infer: true }),
          }),
        ),
    },
    {
      provide: RPC_TIMEOUT_MS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>): number =>
        config.get('RPC_TIMEOUT_MS', { infer: true }),
    },
    {
      provide: MESSAGE_SIGNING_KEY,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) =>
        signingKey(config.get('MESSAGE_SIGNING_KEY', { infer: true })),
    },
    MessageSigner,
    ProjectsClient,
  ],
  exports: [ProjectsClient, PROJECTS_RMQ_CLIENT],
})
export class ProjectsClientModule implements OnModuleDestroy {
  constructor(@Inject(PROJECTS_RMQ_CLIENT) private readonly client: ClientProxy) {}

  // A factory-made client is not closed by Nest; left open, it keeps reconnecting forever.
  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}

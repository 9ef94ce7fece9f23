import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ClientProxy } from '@nestjs/microservices';
import { KeyObject } from 'node:crypto';
import { commandClientOptions } from '@app/messaging';
import { MESSAGE_SIGNING_KEY, signingKey } from '@app/signing';
import {
  COMMAND_CLIENT_OPTIONS,
  CommandClientModuleBase,
  CommandClientOptions,
} from './command-client.options';
import { COMMAND_TRANSPORT, CommandClient } from './command.client';
import { CommandClientMetrics } from './command-client.metrics';
import { CommandTransport } from './command-transport';
import { IdempotencyKeyInterceptor } from './idempotency-key.interceptor';

/** The gateway's way to the workers: `CommandClientModule.forRootAsync({ inject, useFactory })`. */
@Module({
  providers: [
    {
      provide: MESSAGE_SIGNING_KEY,
      inject: [COMMAND_CLIENT_OPTIONS],
      useFactory: (options: CommandClientOptions) => signingKey(options.signingSecret),
    },
    {
      provide: COMMAND_TRANSPORT,
      inject: [COMMAND_CLIENT_OPTIONS, MESSAGE_SIGNING_KEY],
      useFactory: (options: CommandClientOptions, key: KeyObject) =>
        new CommandTransport(commandClientOptions(options), key),
    },
    CommandClient,
    CommandClientMetrics,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyKeyInterceptor },
  ],
  exports: [CommandClient, COMMAND_TRANSPORT],
})
export class CommandClientModule extends CommandClientModuleBase implements OnApplicationShutdown {
  constructor(@Inject(COMMAND_TRANSPORT) private readonly transport: ClientProxy) {
    super();
  }

  // A factory-made client is not closed by Nest; left open, it keeps reconnecting forever. At
  // shutdown, not module destroy: Nest stops the HTTP server in between, and the requests it lets
  // finish still need the broker.
  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { BrokerOptions } from '@app/messaging';

export interface CommandClientOptions extends BrokerOptions {
  /** How long a caller waits for the worker; also each command's AMQP expiration. */
  timeoutMs: number;
  /** Commands waited on at once; past it, callers get 503 at once. */
  maxInFlight: number;
  /** HMAC key the gateway signs every command with, and checks every reply with (not the JWT secret). */
  signingSecret: string;
}

export const {
  ConfigurableModuleClass: CommandClientModuleBase,
  MODULE_OPTIONS_TOKEN: COMMAND_CLIENT_OPTIONS,
} = new ConfigurableModuleBuilder<CommandClientOptions>()
  .setClassMethodName('forRoot')
  // Global: every resource's HTTP controller sends through the one client the app configured.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

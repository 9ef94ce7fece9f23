export { CommandClientModule } from './command-client.module';
export type { CommandClientOptions } from './command-client.options';
export { COMMAND_TRANSPORT, CommandClient } from './command.client';

// The worker side of a command: every handler runs inside the pipeline that the module installs.
export { Command } from './command.decorator';
export { CommandServer } from './command-server';
export { MessagePipelineModule } from './message-pipeline.module';
export type { MessagePipelineOptions } from './message-pipeline.options';

// The worker side of a command: every handler runs inside the pipeline that the module installs.
export { Command } from './command.decorator';
export { CommandServer } from './command-server';
export type { TransportReadiness } from './command-server';
export { MessageMetrics } from './message.metrics';
export { DEAD_LETTER_REASONS, deadLetterReason } from './dead-letter-reason';
export type { DeadLetterReason } from './dead-letter-reason';
export { MessagePipelineModule } from './message-pipeline.module';
export type { MessagePipelineOptions } from './message-pipeline.options';
export { CurrentMessage, JOB_FAILURES } from './current-message';
export type { JobFailures } from './current-message';
export { JobQueue } from './job-queue';
export type { JobMessage } from './job-queue';

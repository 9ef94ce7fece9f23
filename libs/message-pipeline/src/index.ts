// The worker side of a command: every handler runs inside MessagePipeline.
export { Command } from './command.decorator';
export { MessagePipelineModule } from './message-pipeline.module';
export type { MessagePipelineOptions } from './message-pipeline.options';
export { MessagePipeline } from './message-pipeline.interceptor';
export { Delivery } from './delivery';
export { assertNotExpired, readIdentity } from './message-identity';

// Traces: the SDK set-up each app runs first, the active span's ids for log lines, and the trace
// context carried through AMQP headers (by hand: the amqplib instrumentation does not support amqplib 2).
export { flushTraces, startTracing, tracesUrl } from './tracing.setup';
export { startTracingFromEnv } from './tracing.env';
export { TracingModule } from './tracing.module';
export type { Tracing, TracingOptions } from './tracing.setup';
export { activeTraceIds } from './trace-ids';
export type { TraceIds } from './trace-ids';
export { ATTR_PATTERN, ConsumeSpan, contextFromHeaders, SendSpan, traceHeaders } from './message-trace';
export type { ConsumedMessage } from './message-trace';

import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** The active span's ids, for a log line; undefined outside any span. */
export function activeTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

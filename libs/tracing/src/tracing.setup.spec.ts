import { context, propagation, trace } from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { activeTraceIds } from './trace-ids';
import { startTracing } from './tracing.setup';

// Nothing exported: the configuration of an app without OTEL_EXPORTER_OTLP_ENDPOINT.
const tracing = startTracing({ serviceName: 'unit' });

afterAll(() => tracing.shutdown());

describe(startTracing.name, () => {
  it('should give spans ids for log lines and the traceparent, without recording them, when nothing is exported', () => {
    trace.getTracer('unit').startActiveSpan('request', (span) => {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);

      expect(span.isRecording()).toBe(false);
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
      expect(activeTraceIds()).toEqual({
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
      });
      expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-00`);
      span.end();
    });
  });

  it('should not instrument SQL when nothing is exported', () => {
    expect(tracing.instrumentations.some((i) => i instanceof PgInstrumentation)).toBe(false);
  });
});

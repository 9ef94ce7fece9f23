import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConsumeSpan, SendSpan, traceHeaders } from './message-trace';
import { startTracing } from './tracing.setup';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'unit', spanProcessors: [new SimpleSpanProcessor(exporter)] });

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE}-${PARENT}-01`;

afterAll(() => tracing.shutdown());

function consumed(headers: Record<string, unknown> = {}) {
  return new ConsumeSpan({ queue: 'q.commands', pattern: 'projects.create.v1', messageId: 'm-1', headers });
}

describe(ConsumeSpan.name, () => {
  beforeEach(() => exporter.reset());

  it('should start a trace of its own while no signature has vouched for the traceparent in its headers', () => {
    consumed({ traceparent: TRACEPARENT }).end();

    const [span] = exporter.getFinishedSpans();
    expect(span.spanContext().traceId).not.toBe(TRACE);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('should continue the trace it is told was signed, with the tracestate it carries', () => {
    const message = consumed({ traceparent: TRACEPARENT, tracestate: Buffer.from('vendor=1') });
    message.continueTrace(TRACEPARENT);
    message.within(() => trace.getActiveSpan()?.setAttribute('inside', true));
    message.end();

    const [span] = exporter.getFinishedSpans();
    expect(span.spanContext().traceId).toBe(TRACE);
    expect(span.parentSpanContext?.spanId).toBe(PARENT);
    expect(span.parentSpanContext?.traceState?.get('vendor')).toBe('1');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.name).toBe('process q.commands');
    expect(span.attributes).toMatchObject({ 'tenantry.pattern': 'projects.create.v1', inside: true });
  });

  it('should end once, with the first failure as its status', () => {
    const message = consumed();
    message.end(new Error('dead-lettered'));
    message.end();

    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(exporter.getFinishedSpans()[0].status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'dead-lettered',
    });
  });
});

describe(SendSpan.name, () => {
  beforeEach(() => exporter.reset());

  it("should name itself in the headers as the parent, under the active context's trace, and end at the confirm", async () => {
    const request = trace.getTracer('unit').startSpan('request');
    const sending = context.with(trace.setSpan(context.active(), request), () => new SendSpan('q', 'p'));
    const headers = sending.headers();
    let confirm: () => void = () => undefined;
    sending.settle(new Promise<void>((resolve) => (confirm = resolve)));

    expect(exporter.getFinishedSpans()).toEqual([]);
    confirm();
    await new Promise((resolve) => setImmediate(resolve));

    const [span] = exporter.getFinishedSpans();
    expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(span.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(span.kind).toBe(SpanKind.PRODUCER);
    request.end();
  });

  it('should fail with the refusal of its publish', async () => {
    new SendSpan('q', 'p').settle(Promise.reject(new Error('too large')));
    await new Promise((resolve) => setImmediate(resolve));

    expect(exporter.getFinishedSpans()[0].status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe(traceHeaders.name, () => {
  it('should give no headers outside any span', () => {
    expect(traceHeaders()).toEqual({});
  });
});

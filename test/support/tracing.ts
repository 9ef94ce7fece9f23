import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@app/tracing';

// What the instrumentations patch: http (the gateway's server spans) and pg (the worker's SQL).
const PATCHED = new Set(['http', 'pg', 'pg-pool']);

/**
 * Tracing for this test file, as the apps' tracing.ts starts it, but recording into memory. Jest
 * loads modules through a registry of its own, past the require hook the instrumentations patch
 * through (the apps' own loading is checked in tracing-bootstrap.spec.ts), so the patches are
 * applied here to what Jest loads, and taken off after the file: http's reaches every server of
 * this Jest worker.
 */
export function useTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({
    serviceName: 'tenantry-tests',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const unpatch: Array<() => void> = [];
  for (const instrumentation of tracing.instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions()) {
      if (!PATCHED.has(definition.name)) continue;
      const exports: unknown = jest.requireActual(definition.name);
      definition.patch?.(exports);
      unpatch.push(() => definition.unpatch?.(exports));
    }
  }
  afterAll(async () => {
    for (const undo of unpatch) undo();
    await tracing.shutdown();
  });
  return exporter;
}

/** The span's parent's id, if it has one. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The spans above this one in its trace, nearest first. */
export function ancestorsOf(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const chain: ReadableSpan[] = [];
  for (let parent = byId.get(parentOf(span) ?? ''); parent; parent = byId.get(parentOf(parent) ?? ''))
    chain.push(parent);
  return chain;
}

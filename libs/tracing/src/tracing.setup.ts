import { InstrumentationBase, registerInstrumentations } from '@opentelemetry/instrumentation';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as InstrumentationPg from '@opentelemetry/instrumentation-pg';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans are exported only when it is set. */
  exporterEndpoint?: string;
  /** Processors used instead of the exporter's (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  /** The instrumentations, for tests that must apply them by hand (Jest loads modules past require hooks). */
  instrumentations: InstrumentationBase[];
  /** Flushes what is waiting for export, then stops, and takes the instrumentations' patches off. */
  shutdown(): Promise<void>;
}

let started: NodeTracerProvider | undefined;

// Probes and scrapes are not what an operator follows through the system, and would bury the rest.
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Starts tracing for this process. Must run before `http` and `pg` are first required, so that their
 * instrumentations can patch them: each app's main.ts imports its tracing.ts first.
 *
 * Exporting, every span is recorded (always-on). Not exporting, none is (always-off), and SQL is
 * not instrumented at all: spans are still made, unrecorded, so trace and span ids exist for log
 * lines and for the traceparent sent to the worker, without recording what nobody would read.
 */
export function startTracing(options: TracingOptions): Tracing {
  const spanProcessors =
    options.spanProcessors ?? (options.exporterEndpoint ? [otlpProcessor(options.exporterEndpoint)] : []);
  const exporting = spanProcessors.length > 0;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: exporting ? new AlwaysOnSampler() : new AlwaysOffSampler(),
    spanProcessors,
  });
  // W3C trace context only: baggage would carry whatever a client sends on to the workers.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const instrumentations: InstrumentationBase[] = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      // Outgoing calls (the JWKS) only as part of a request, not as traces of their own.
      requireParentforOutgoingSpans: true,
    }),
    // Only under a message's span: the database watch's probes would each make a trace of their own.
    ...(exporting ? [pgInstrumentation()] : []),
  ];
  registerInstrumentations({ tracerProvider: provider, instrumentations });
  started = provider;
  return {
    instrumentations,
    shutdown: async () => {
      for (const instrumentation of instrumentations) instrumentation.disable();
      await provider.shutdown();
    },
  };
}

// The exporter and the SQL instrumentation are loaded only when spans are recorded: together about
// 130 modules and 2.5 MB of each app's memory that a process not exporting never uses. require, not
// import(): tracing must be in place, synchronously, before main.ts loads anything else.
function otlpProcessor(endpoint: string): SpanProcessor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  return new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(endpoint) }));
}

function pgInstrumentation(): InstrumentationBase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof InstrumentationPg;
  return new PgInstrumentation({ requireParentSpan: true });
}

/** Exports what is waiting; nothing to do when tracing was not started or exports nothing. */
export async function flushTraces(): Promise<void> {
  await started?.forceFlush();
}

/** The OTLP/HTTP traces endpoint under a base URL, as the OTLP specification builds it. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

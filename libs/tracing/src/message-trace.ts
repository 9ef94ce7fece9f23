import {
  Attributes,
  context,
  Context,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  TextMapGetter,
  trace,
} from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';

// Messaging semantic-convention names, written out: the package marks them incubating and advises
// against importing those.
const MESSAGING_SYSTEM = 'messaging.system';
const MESSAGING_DESTINATION = 'messaging.destination.name';
const MESSAGING_OPERATION = 'messaging.operation.type';
const MESSAGING_MESSAGE_ID = 'messaging.message.id';
/** The command's pattern (`projects.create.v1`): which handler it is for. */
export const ATTR_PATTERN = 'tenantry.pattern';

function tracer() {
  return trace.getTracer('tenantry');
}

/** Reads AMQP headers, which amqplib may hand over as Buffers. */
const amqpHeaders: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return typeof value === 'string' ? value : undefined;
  },
};

/** The W3C trace-context headers (traceparent, tracestate if any) of a context; none while tracing is off. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The trace a message's headers continue; the root context when they name none (or a malformed one). */
export function contextFromHeaders(headers: Record<string, unknown>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, amqpHeaders);
}

function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    // Rejections here are Errors; anything else is described, never dumped.
    const failure = error instanceof Error ? error : new Error(`non-Error failure (${typeof error})`);
    span.recordException(failure);
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  }
  span.end();
}

/**
 * The producer span of one published message, a child of the active context. Its headers go into the
 * message (and under its signature) before it is published; it ends when the broker confirms.
 */
export class SendSpan {
  private readonly span: Span;
  private ended = false;

  constructor(queue: string, pattern: string) {
    this.span = tracer().startSpan(`send ${queue}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MESSAGING_SYSTEM]: 'rabbitmq',
        [MESSAGING_DESTINATION]: queue,
        [MESSAGING_OPERATION]: 'send',
        [ATTR_PATTERN]: pattern,
      },
    });
  }

  /** traceparent (and tracestate) naming this span as the parent of the message's handling. */
  headers(): Record<string, string> {
    return traceHeaders(trace.setSpan(context.active(), this.span));
  }

  setMessageId(messageId: string): void {
    this.span.setAttribute(MESSAGING_MESSAGE_ID, messageId);
  }

  /** Ends with the publish: at the broker's confirm, or failed with its refusal. */
  settle(sent: Promise<unknown>): void {
    sent.then(
      () => this.end(),
      (err: unknown) => this.end(err),
    );
  }

  /** Ends once; later calls do nothing. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    endSpan(this.span, error);
  }
}

export interface ConsumedMessage {
  queue: string;
  pattern: string;
  messageId?: unknown;
  headers: Record<string, unknown>;
}

/**
 * The consumer span of one message, timed from its arrival. It is started only when first entered,
 * so that it continues the message's trace only if the message was shown to carry the gateway's own
 * trace context (`continueTrace`, once its signature checked): a message that cannot show that
 * starts a trace of its own, and no one who can publish to the broker can graft work onto another
 * request's trace.
 */
export class ConsumeSpan {
  private readonly arrivedAt = hrTime();
  private parent: Context = ROOT_CONTEXT;
  private span?: Span;
  private ended = false;

  constructor(private readonly message: ConsumedMessage) {}

  /** The signed traceparent: the message is handled in the trace it names (with its tracestate). */
  continueTrace(traceparent: string): void {
    if (this.span || !traceparent) return;
    const tracestate = amqpHeaders.get(this.message.headers, 'tracestate');
    this.parent = contextFromHeaders(
      tracestate === undefined ? { traceparent } : { traceparent, tracestate },
    );
  }

  setAttributes(attributes: Attributes): void {
    this.started().setAttributes(attributes);
  }

  /** Runs fn with this message's span active (so SQL and log lines fall under it). */
  within<T>(fn: () => T): T {
    return context.with(trace.setSpan(context.active(), this.started()), fn);
  }

  /** Ends once; later calls do nothing. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    endSpan(this.started(), error);
  }

  private started(): Span {
    if (!this.span) {
      const { queue, pattern, messageId } = this.message;
      this.span = tracer().startSpan(
        `process ${queue}`,
        {
          kind: SpanKind.CONSUMER,
          startTime: this.arrivedAt,
          attributes: {
            [MESSAGING_SYSTEM]: 'rabbitmq',
            [MESSAGING_DESTINATION]: queue,
            [MESSAGING_OPERATION]: 'process',
            [ATTR_PATTERN]: pattern,
            ...(typeof messageId === 'string' ? { [MESSAGING_MESSAGE_ID]: messageId } : {}),
          },
        },
        this.parent,
      );
    }
    return this.span;
  }
}

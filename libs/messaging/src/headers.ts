import type { Message } from 'amqplib';

/**
 * AMQP headers every command carries. The tenant travels here and only here: the worker never
 * reads a tenant from the payload.
 */
export const MessageHeader = {
  TenantId: 'x-tenant-id',
  UserId: 'x-user-id',
  CorrelationId: 'x-correlation-id',
  // Epoch milliseconds after which the caller has given up; the worker then must not apply it.
  Deadline: 'x-deadline',
  // W3C trace context (https://www.w3.org/TR/trace-context/), set by the gateway's publish; the
  // traceparent is signed, the tracestate (vendor data, no ids) is not.
  TraceParent: 'traceparent',
  TraceState: 'tracestate',
  // HMAC-SHA256 by the gateway over tenant, user, message id, time, deadline, reply address,
  // correlation id (the AMQP property and the x-correlation-id header), traceparent and the body's
  // exact bytes; on a reply, by the worker over the request it answers and the reply.
  Signature: 'x-signature',
  SignedAt: 'x-signed-at',
  // Set on the dead-letter copy: why the worker refused the message.
  DeadLetterReason: 'x-dead-letter-reason',
  // Set on the dead-letter copy: the queue the worker took it from, where a replay sends it back.
  SourceQueue: 'x-source-queue',
  // Which attempt a retried copy is (the original is attempt 1); on a dead letter, how many were made.
  Attempt: 'x-attempt',
} as const;

/** A header's value, with the Buffer amqplib gives for some senders' strings decoded. */
export function header(message: Message, name: string): unknown {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const value = headers[name];
  return Buffer.isBuffer(value) ? value.toString('utf8') : value;
}

/** A header's value when it is a string. */
export function textHeader(message: Message, name: string): string | undefined {
  const value = header(message, name);
  return typeof value === 'string' ? value : undefined;
}

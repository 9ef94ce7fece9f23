import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The request and response header that carries a request's correlation id. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

// Bounded and printable: the id goes into every log line, a response header and an AMQP header.
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether a client's correlation id is one the gateway keeps as it is. */
export function isSaneCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && SANE.test(value);
}

/**
 * The request's correlation id: the client's `x-correlation-id` when it is sane, a new uuid
 * otherwise (missing, repeated, too long, or holding anything but letters, digits and `._:-`).
 */
export function correlationIdOf(req: { headers: IncomingHttpHeaders }): string {
  const given = req.headers[CORRELATION_ID_HEADER];
  return isSaneCorrelationId(given) ? given : randomUUID();
}

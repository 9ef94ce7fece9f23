import type { Message } from 'amqplib';
import { header, MessageHeader, textHeader } from '@app/messaging';
import type { MessagePacket } from '@app/signing';

/** What an operator needs to know about one dead letter, read from the message as it lies. */
export interface DeadLetter {
  messageId?: string;
  /** The Nest packet: what the worker would route and hand to the handler; absent if unreadable. */
  packet?: MessagePacket;
  /** The packet carries an id: Nest treats it as a request and answers its replyTo. */
  isRequest: boolean;
  tenantId?: string;
  userId?: string;
  /** The worker's x-dead-letter-reason, else RabbitMQ's x-death reason (expired, rejected, …). */
  reason: string;
  /** x-attempt: how many tries a transient failure had, when that is why it died. */
  attempts?: number;
  signedAt?: number;
}

export function readDeadLetter(message: Message): DeadLetter {
  const packet = readPacket(message.content);
  const signedAt = Number(textHeader(message, MessageHeader.SignedAt));
  const attempts = Number(header(message, MessageHeader.Attempt));
  return {
    messageId: message.properties.messageId as string | undefined,
    packet: packet && { pattern: packet.pattern, data: packet.data },
    isRequest: packet?.id !== undefined,
    tenantId: textHeader(message, MessageHeader.TenantId),
    userId: textHeader(message, MessageHeader.UserId),
    reason: reasonOf(message),
    attempts: Number.isSafeInteger(attempts) && attempts > 0 ? attempts : undefined,
    signedAt: Number.isSafeInteger(signedAt) ? signedAt : undefined,
  };
}

function reasonOf(message: Message): string {
  const given = textHeader(message, MessageHeader.DeadLetterReason);
  if (given !== undefined) return given;
  // Dead-lettered by RabbitMQ itself (expired, or nacked by Nest for want of a handler): the newest
  // death comes first.
  const deaths = header(message, 'x-death');
  const first: unknown = Array.isArray(deaths) ? deaths[0] : undefined;
  const reason = (first as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' || Buffer.isBuffer(reason) ? `${reason.toString()} (x-death)` : 'unknown';
}

/** The body as Nest's RMQ server reads it: `{pattern, data, id?}`, the pattern as a string. */
function readPacket(content: Buffer): (MessagePacket & { id?: unknown }) | undefined {
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || !('pattern' in body)) return undefined;
  const { pattern, data, id } = body as { pattern: unknown; data?: unknown; id?: unknown };
  if (pattern === undefined || pattern === null) return undefined;
  return { pattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern), data, id };
}

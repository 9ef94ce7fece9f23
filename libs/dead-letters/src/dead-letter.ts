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
  /** The queue it died in, as the message says (x-source-queue, else x-death); not trusted for routing. */
  sourceQueue?: string;
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
    sourceQueue: textHeader(message, MessageHeader.SourceQueue) ?? lastDeath(message)?.queue,
  };
}

function reasonOf(message: Message): string {
  const given = textHeader(message, MessageHeader.DeadLetterReason);
  if (given !== undefined) return given;
  // Dead-lettered by RabbitMQ itself: expired, or nacked by Nest for want of a handler.
  const reason = lastDeath(message)?.reason;
  return reason === undefined ? 'unknown' : `${reason} (x-death)`;
}

/** The newest entry of RabbitMQ's x-death header (it comes first), its strings decoded. */
function lastDeath(message: Message): { reason?: string; queue?: string } | undefined {
  const deaths = header(message, 'x-death');
  const newest: unknown = Array.isArray(deaths) ? deaths[0] : undefined;
  if (typeof newest !== 'object' || newest === null) return undefined;
  const { reason, queue } = newest as { reason?: unknown; queue?: unknown };
  const text = (value: unknown) =>
    typeof value === 'string' || Buffer.isBuffer(value) ? value.toString() : undefined;
  return { reason: text(reason), queue: text(queue) };
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

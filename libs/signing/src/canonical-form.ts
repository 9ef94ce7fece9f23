import { createHash } from 'node:crypto';

/** What a command's signature covers: everything that decides whose data it touches, how, and where the answer goes. */
export interface SignedFields {
  tenantId: string;
  userId: string;
  messageId: string;
  pattern: string;
  signedAt: number;
  deadline: string;
  /** The reply address, and the correlation id the answer is sent under: '' for a message nobody answers. */
  replyTo: string;
  correlationId: string;
  data: unknown;
}

/** What a worker's reply signature covers: the request it answers, its tenant, and the reply's bytes. */
export interface ReplyFields {
  tenantId: string;
  messageId: string;
  correlationId: string;
  content: Buffer;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('base64url');
}

function bodyHash(data: unknown): string {
  return sha256(JSON.stringify(data ?? null));
}

/**
 * v2: canonical JSON of an array. JSON escapes every quote, backslash and control character in a
 * string (and a lone surrogate), so no content of one field can pass for a field boundary: two
 * different sets of fields never give the same text. The first element keeps commands and replies
 * apart.
 */
export function commandV2(fields: SignedFields): string {
  return JSON.stringify([
    'tenantry.command.v2',
    fields.tenantId,
    fields.userId,
    fields.messageId,
    fields.pattern,
    fields.signedAt,
    fields.deadline,
    fields.replyTo,
    fields.correlationId,
    bodyHash(fields.data),
  ]);
}

export function replyV2(fields: ReplyFields): string {
  return JSON.stringify([
    'tenantry.reply.v2',
    fields.tenantId,
    fields.messageId,
    fields.correlationId,
    sha256(fields.content),
  ]);
}

/**
 * v1, the format before v2: fields joined by newlines, unescaped, so a newline inside a field
 * shifts content into the next one under the same signature; nor does it cover the reply address.
 * Verified only while MESSAGE_SIGNATURE_ACCEPT_V1 is set (SECURITY.md, key rotation).
 */
export function commandV1(fields: SignedFields): string {
  return [
    'v1',
    fields.tenantId,
    fields.userId,
    fields.messageId,
    fields.pattern,
    String(fields.signedAt),
    fields.deadline,
    bodyHash(fields.data),
  ].join('\n');
}

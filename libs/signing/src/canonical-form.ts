import { createHash } from 'node:crypto';

/**
 * What a command's signature covers besides its bytes: whose data it touches, when, and where the
 * answer goes, as the message's headers and properties carry them.
 */
export interface SignedFields {
  tenantId: string;
  userId: string;
  messageId: string;
  signedAt: number;
  deadline: string;
  /** The reply address, and the correlation id the answer is sent under: '' for a message nobody answers. */
  replyTo: string;
  correlationId: string;
  /** The W3C `traceparent` header as sent, '' when none: a message cannot be moved onto another trace. */
  traceparent: string;
  /** The `x-correlation-id` header as sent, '' when none: the id log lines carry cannot be forged either. */
  correlationHeader: string;
}

/** A command's body as Nest parsed it: what the v1 format covered instead of the bytes. */
export interface MessagePacket {
  pattern: string;
  data: unknown;
}

/** What a worker's reply signature covers: the request it answers, its tenant, and the reply's bytes. */
export interface ReplyFields {
  tenantId: string;
  messageId: string;
  correlationId: string;
  content: Buffer;
}

/** SHA-256 of a message's bytes, as signed (base64url). */
export function contentDigest(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('base64url');
}

/**
 * v2: canonical JSON of an array. JSON escapes every quote, backslash and control character in a
 * string (and a lone surrogate), so no content of one field can pass for a field boundary: two
 * different sets of fields never give the same text. The body is covered by the digest of its exact
 * bytes, pattern and payload included, so the worker verifies before anything parses it. The first
 * element keeps commands and replies apart.
 */
export function commandV2(fields: SignedFields, digest: string): string {
  return JSON.stringify([
    'tenantry.command.v2',
    fields.tenantId,
    fields.userId,
    fields.messageId,
    fields.signedAt,
    fields.deadline,
    fields.replyTo,
    fields.correlationId,
    fields.traceparent,
    fields.correlationHeader,
    digest,
  ]);
}

export function replyV2(fields: ReplyFields): string {
  return JSON.stringify([
    'tenantry.reply.v2',
    fields.tenantId,
    fields.messageId,
    fields.correlationId,
    contentDigest(fields.content),
  ]);
}

/**
 * v1, the format before v2: fields joined by newlines, unescaped, so a newline inside a field
 * shifts content into the next one under the same signature; nor does it cover the reply address.
 * It covers the parsed payload (serialized again), so it can only be checked after parsing.
 * Verified only while MESSAGE_SIGNATURE_ACCEPT_V1 is set (SECURITY.md, key rotation).
 */
export function commandV1(fields: SignedFields, { pattern, data }: MessagePacket): string {
  return [
    'v1',
    fields.tenantId,
    fields.userId,
    fields.messageId,
    pattern,
    String(fields.signedAt),
    fields.deadline,
    contentDigest(JSON.stringify(data ?? null)),
  ].join('\n');
}

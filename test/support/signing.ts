import { createHash, createHmac, KeyObject, randomUUID } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { MessagePacket, signCommand, SignedFields, signingKey } from '@app/signing';

export interface SignedPublish {
  tenantId: string;
  userId?: string;
  /** Signs with this secret instead of the apps' MESSAGE_SIGNING_KEY. */
  secret?: string;
  messageId?: string;
  signedAt?: number;
  deadline?: string;
  /** The reply address and correlation id signed for (none by default, as for a message nobody answers). */
  replyTo?: string;
  correlationId?: string;
  /** The traceparent header signed and sent (none by default). */
  traceparent?: string;
  /** Nest's request id in the body (a request expects an answer); none for an event. */
  id?: string;
  /** Signs these bytes as the body, instead of the packet built from pattern, data and id. */
  content?: Buffer;
  /** Signs in the format before v2 (newline-joined fields), as a gateway did before the upgrade. */
  v1?: boolean;
  /** Signs over this pattern instead of the one the message is published with (to tamper). */
  signedPattern?: string;
  /** Extra or replacing headers, applied after signing (to tamper). */
  headers?: Record<string, unknown>;
  /** Replaces the body's data after signing (to tamper). */
  tamperedData?: unknown;
}

/** The bytes Nest's RMQ client sends for this packet. */
export function packetBytes(pattern: string, data: unknown, id?: string): Buffer {
  return Buffer.from(JSON.stringify({ pattern, data, ...(id ? { id } : {}) }));
}

/**
 * The id, headers and body the gateway would send with this command, signed with the apps' key over
 * the body's bytes. Headers given in options replace the signed ones afterwards; one set to undefined
 * is left out.
 */
export function signLikeGateway(
  pattern: string,
  data: unknown,
  options: SignedPublish,
): { messageId: string; headers: Record<string, unknown>; content: Buffer } {
  const messageId = options.messageId ?? randomUUID();
  const signedAt = options.signedAt ?? Date.now();
  const userId = options.userId ?? 'test-user';
  const deadline = options.deadline ?? String(Date.now() + 30_000);
  // From the message id: the same command signed twice gives the same signature (a replay).
  const correlationHeader = `corr-${messageId}`;
  const key = signingKey(options.secret ?? process.env.MESSAGE_SIGNING_KEY ?? '');
  const fields: SignedFields = {
    tenantId: options.tenantId,
    userId,
    messageId,
    signedAt,
    deadline,
    replyTo: options.replyTo ?? '',
    correlationId: options.correlationId ?? '',
    traceparent: options.traceparent ?? '',
    correlationHeader,
  };
  const signedPattern = options.signedPattern ?? pattern;
  const signedContent = options.content ?? packetBytes(signedPattern, data, options.id);
  const signature = options.v1
    ? signV1(key, fields, { pattern: signedPattern, data })
    : signCommand(key, fields, signedContent);
  const headers: Record<string, unknown> = {
    [MessageHeader.TenantId]: options.tenantId,
    [MessageHeader.UserId]: userId,
    [MessageHeader.CorrelationId]: correlationHeader,
    ...(options.traceparent === undefined ? {} : { [MessageHeader.TraceParent]: options.traceparent }),
    [MessageHeader.Deadline]: deadline,
    [MessageHeader.SignedAt]: String(signedAt),
    [MessageHeader.Signature]: signature,
    ...options.headers,
  };
  for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name];
  // What is sent: the bytes signed, unless the test tampers with the body.
  const tampered = 'tamperedData' in options || options.signedPattern !== undefined;
  const sentData = 'tamperedData' in options ? options.tamperedData : data;
  const content = tampered ? packetBytes(pattern, sentData, options.id) : signedContent;
  return { messageId, headers, content };
}

/** The format before v2, which the apps verify only with MESSAGE_SIGNATURE_ACCEPT_V1=true. */
function signV1(key: KeyObject, fields: SignedFields, { pattern, data }: MessagePacket): string {
  const body = createHash('sha256')
    .update(JSON.stringify(data ?? null))
    .digest('base64url');
  const { tenantId, userId, messageId, signedAt, deadline } = fields;
  const text = ['v1', tenantId, userId, messageId, pattern, String(signedAt), deadline, body].join('\n');
  return `v1=${createHmac('sha256', key).update(text).digest('base64url')}`;
}

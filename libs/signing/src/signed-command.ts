import type { Message } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { MessageHeader, RejectedMessageError } from '@app/messaging';
import { contentDigest, MessagePacket, SignedFields } from './canonical-form';
import { readSignature } from './mac';
import { keyThatSignedV1, keyThatSignedV2, signCommand } from './message-signature';

/**
 * The headers and properties a command's signature covers: a publish's options on the way out, a
 * delivery's properties on the way in. One reading for both sides, so what is signed is what is sent.
 */
export interface CommandProperties {
  headers?: unknown;
  messageId?: unknown;
  replyTo?: unknown;
  correlationId?: unknown;
}

/** Who a command acts as, read from its headers (the tenant id lower-cased). */
export interface SignedIdentity {
  tenantId: string;
  userId: string;
}

/** A command whose signature checked: the fields it covers, and the key that made it. */
export interface VerifiedCommand {
  fields: SignedFields;
  signature: string;
  key: KeyObject;
}

/** A command signed in the v1 format, accepted for now: its signature can be checked only once parsed. */
export interface PendingV1 {
  fields: SignedFields;
  signature: string;
  key?: undefined;
}

export interface VerifyOptions {
  /** Also verify the v1 format: messages signed before the upgrade (MESSAGE_SIGNATURE_ACCEPT_V1). */
  acceptV1?: boolean;
}

/** A header as text: '' when absent, undefined when it is anything but text. */
function headerText(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return '';
  // amqplib hands some senders' strings over as Buffers.
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' ? value : undefined;
}

/**
 * The fields a command's signature covers, as its headers and properties carry them; undefined when
 * one is malformed (no message id, a time that is no integer, a header that is not text).
 */
export function signedFieldsOf(properties: CommandProperties): SignedFields | undefined {
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const [tenantId, userId, signedAt, deadline, traceparent, correlationHeader] = [
    MessageHeader.TenantId,
    MessageHeader.UserId,
    MessageHeader.SignedAt,
    MessageHeader.Deadline,
    MessageHeader.TraceParent,
    MessageHeader.CorrelationId,
  ].map((name) => headerText(headers, name));
  const { messageId, replyTo, correlationId } = properties;
  if (tenantId === undefined || userId === undefined || deadline === undefined) return undefined;
  if (traceparent === undefined || correlationHeader === undefined) return undefined;
  if (!signedAt || !Number.isSafeInteger(Number(signedAt))) return undefined;
  if (typeof messageId !== 'string' || !messageId) return undefined;
  // Signed, so that a reader of the queue cannot send the answer elsewhere, nor have a genuine
  // answer taken for another request's. None and '' are alike to the worker (no reply at all).
  const address = (value: unknown) =>
    typeof value === 'string' ? value : value === undefined ? '' : undefined;
  const [to, correlation] = [address(replyTo), address(correlationId)];
  if (to === undefined || correlation === undefined) return undefined;
  return {
    tenantId,
    userId,
    messageId,
    signedAt: Number(signedAt),
    deadline,
    replyTo: to,
    correlationId: correlation,
    traceparent,
    correlationHeader,
  };
}

/**
 * The options to publish `content` with, signed: the signature covers these very bytes and the
 * fields these options carry. Throws when they lack one (a sender's bug): nothing unsigned leaves.
 */
export function signedPublish<T extends CommandProperties & { headers?: Record<string, unknown> }>(
  key: KeyObject,
  content: Buffer,
  options: T,
): T {
  const fields = signedFieldsOf(options);
  if (!fields) throw new Error('a command lacks a field its signature covers (message id, signed-at)');
  return {
    ...options,
    headers: { ...options.headers, [MessageHeader.Signature]: signCommand(key, fields, content) },
  };
}

/**
 * Checks a command's signature over its exact bytes, headers and properties, before anything parses
 * it: RejectedMessageError unless one of the keys signed them. A v1 signature, while accepted,
 * covers the parsed payload instead: it comes back pending, for verifiedV1 once parsed.
 * The worker and the dead-letter replay both check through here, so a message the worker would
 * call forged can never be replayed as genuine.
 */
export function verifiedBytes(
  keys: readonly KeyObject[],
  message: Message,
  { acceptV1 = false }: VerifyOptions = {},
): VerifiedCommand | PendingV1 {
  const signature = headerText(message.properties.headers ?? {}, MessageHeader.Signature);
  if (!signature) throw new RejectedMessageError('signature missing');
  const fields = signedFieldsOf(message.properties);
  if (!fields) throw new RejectedMessageError('signature fields missing');
  const version = readSignature(signature)?.version;
  // Junk is refused before the body is hashed.
  if (!version) throw new RejectedMessageError('signature invalid');
  if (version === 'v1') {
    if (!acceptV1)
      throw new RejectedMessageError(
        'signature format v1 is no longer accepted (MESSAGE_SIGNATURE_ACCEPT_V1)',
      );
    return { fields, signature };
  }
  const key = keyThatSignedV2(keys, fields, contentDigest(message.content), signature);
  if (!key) throw new RejectedMessageError('signature invalid');
  return { fields, signature, key };
}

/**
 * A v1 command's signature, checked over the payload as parsed and the identity as the worker reads
 * it (the tenant id lower-cased), as workers checked it before v2.
 */
export function verifiedV1(
  keys: readonly KeyObject[],
  { fields, signature }: PendingV1,
  identity: SignedIdentity,
  packet: MessagePacket,
): VerifiedCommand {
  const v1Fields = { ...fields, tenantId: identity.tenantId, userId: identity.userId };
  const key = keyThatSignedV1(keys, v1Fields, packet, signature);
  if (!key) throw new RejectedMessageError('signature invalid');
  return { fields: v1Fields, signature, key };
}

/** Both checks at once, for a message already parsed (a dead letter being replayed). */
export function verifiedCommand(
  keys: readonly KeyObject[],
  message: Message,
  identity: SignedIdentity,
  packet: MessagePacket,
  options: VerifyOptions = {},
): VerifiedCommand {
  const checked = verifiedBytes(keys, message, options);
  return checked.key ? checked : verifiedV1(keys, checked, identity, packet);
}

import type { Message } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { MessageHeader, RejectedMessageError, textHeader as text } from '@app/messaging';
import { SignedFields } from './canonical-form';
import { readSignature } from './mac';
import { verifySignature, VerifyOptions } from './message-signature';

/** What the handler will be given: the pattern it was routed by and the payload Nest parsed. */
export interface MessagePacket {
  pattern: string;
  data: unknown;
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

/**
 * The fields a command's signature covers, once one of the keys is shown to have signed them;
 * RejectedMessageError otherwise. The worker and the dead-letter replay both check through here, so
 * a message the worker would call forged can never be replayed as genuine.
 */
export function verifiedCommand(
  keys: readonly KeyObject[],
  message: Message,
  identity: SignedIdentity,
  { pattern, data }: MessagePacket,
  options: VerifyOptions = {},
): VerifiedCommand {
  const signature = text(message, MessageHeader.Signature);
  if (!signature) throw new RejectedMessageError('signature missing');
  const signedAt = Number(text(message, MessageHeader.SignedAt));
  const { messageId, replyTo, correlationId } = message.properties as {
    messageId?: unknown;
    replyTo?: unknown;
    correlationId?: unknown;
  };
  if (!Number.isSafeInteger(signedAt) || typeof messageId !== 'string' || !messageId)
    throw new RejectedMessageError('signature fields missing');
  if (readSignature(signature)?.version === 'v1' && !options.acceptV1)
    throw new RejectedMessageError('signature format v1 is no longer accepted (MESSAGE_SIGNATURE_ACCEPT_V1)');
  const fields: SignedFields = {
    tenantId: identity.tenantId,
    userId: identity.userId,
    messageId,
    pattern,
    signedAt,
    deadline: text(message, MessageHeader.Deadline) ?? '',
    // Signed, so that a reader of the queue cannot send the answer elsewhere, nor have a genuine
    // answer taken for another request's. None and '' are alike to the worker (no reply at all).
    replyTo: typeof replyTo === 'string' ? replyTo : '',
    correlationId: typeof correlationId === 'string' ? correlationId : '',
    data,
  };
  const key = verifySignature(keys, fields, signature, options);
  if (!key) throw new RejectedMessageError('signature invalid');
  return { fields, signature, key };
}

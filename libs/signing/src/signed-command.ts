import type { Message } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { MessageHeader, RejectedMessageError, textHeader as text } from '@app/messaging';
import { SignedFields, verifySignature } from './message-signature';

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
): { fields: SignedFields; signature: string } {
  const signature = text(message, MessageHeader.Signature);
  if (!signature) throw new RejectedMessageError('signature missing');
  const signedAt = Number(text(message, MessageHeader.SignedAt));
  const messageId = message.properties.messageId as string | undefined;
  if (!Number.isSafeInteger(signedAt) || !messageId)
    throw new RejectedMessageError('signature fields missing');
  const fields = {
    tenantId: identity.tenantId,
    userId: identity.userId,
    messageId,
    pattern,
    signedAt,
    deadline: text(message, MessageHeader.Deadline) ?? '',
    data,
  };
  if (!verifySignature(keys, fields, signature)) throw new RejectedMessageError('signature invalid');
  return { fields, signature };
}

import type { ConsumeMessage } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { TenantIdentity } from '@app/tenancy';
import { MessageHeader, RejectedMessageError, textHeader as text } from '@app/messaging';
import { verifySignature } from './message-signature';
import { ReplayGuard } from './replay-guard';

export interface AuthenticatorOptions {
  keys: readonly KeyObject[];
  maxAgeMs: number;
}

/** What the handler will be given: the pattern it was routed by and the payload Nest parsed. */
export interface MessagePacket {
  pattern: string;
  data: unknown;
}

/**
 * Worker side: a command is processed only when signed by the gateway's key, fresh, and seen for
 * the first time. A tenant id in a header is only as trustworthy as whoever can publish to the
 * broker; the signature is what makes it the gateway's word.
 */
export class MessageAuthenticator {
  private readonly replays: ReplayGuard;

  constructor(private readonly options: AuthenticatorOptions) {
    this.replays = new ReplayGuard(options.maxAgeMs);
  }

  authenticate(
    message: ConsumeMessage,
    identity: TenantIdentity,
    { pattern, data }: MessagePacket,
    {
      trustRedelivery = false,
      maxAgeMs = this.options.maxAgeMs,
    }: { trustRedelivery?: boolean; maxAgeMs?: number } = {},
    now = Date.now(),
  ): void {
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
    if (!verifySignature(this.options.keys, fields, signature))
      throw new RejectedMessageError('signature invalid');
    if (Math.abs(now - signedAt) > maxAgeMs) throw new RejectedMessageError('signature stale');
    // A message the broker hands out again after a lost ack was seen here before. For a handler
    // behind the inbox (trustRedelivery) the inbox decides what becomes of it; for one that only
    // reads, a second sighting is refused, as `redelivered` can be provoked by anyone who may
    // consume and requeue.
    const redelivery = trustRedelivery && message.fields.redelivered;
    if (!this.replays.firstSighting(signature, now) && !redelivery) {
      throw new RejectedMessageError('message replayed');
    }
  }

  /** A message that failed for a transient reason and will come back: not a replay then. */
  forget(message: ConsumeMessage): void {
    const signature = text(message, MessageHeader.Signature);
    if (signature) this.replays.forget(signature);
  }
}

import type { ConsumeMessage } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { TenantIdentity } from '@app/tenancy';
import { MessageHeader, RejectedMessageError, textHeader as text } from '@app/messaging';
import { ReplayGuard } from './replay-guard';
import { MessagePacket, verifiedCommand } from './signed-command';

export interface AuthenticatorOptions {
  keys: readonly KeyObject[];
  maxAgeMs: number;
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
    packet: MessagePacket,
    {
      trustRedelivery = false,
      maxAgeMs = this.options.maxAgeMs,
    }: { trustRedelivery?: boolean; maxAgeMs?: number } = {},
    now = Date.now(),
  ): void {
    const { fields, signature } = verifiedCommand(this.options.keys, message, identity, packet);
    if (Math.abs(now - fields.signedAt) > maxAgeMs) throw new RejectedMessageError('signature stale');
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

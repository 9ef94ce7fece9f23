import type { ConsumeMessage, Message } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { TenantIdentity } from '@app/tenancy';
import { MessageHeader, RejectedMessageError, StaleSignatureError, textHeader as text } from '@app/messaging';
import { MessagePacket } from './canonical-form';
import { ReplayGuard } from './replay-guard';
import { PendingV1, VerifiedCommand, verifiedBytes, verifiedV1 } from './signed-command';

export interface AuthenticatorOptions {
  keys: readonly KeyObject[];
  /** A signature older than this is stale. */
  maxAgeMs: number;
  /** How far ahead of this clock a signature may be dated: the skew allowed between the clocks. */
  maxSkewMs: number;
  /** Also accept the v1 signature format (MESSAGE_SIGNATURE_ACCEPT_V1). */
  acceptV1?: boolean;
}

export interface AuthenticateOptions {
  /** Let a redelivered message through the replay check (a handler behind the inbox). */
  trustRedelivery?: boolean;
  /** This kind of message's age limit, if not the default (a job's batches wait longer). */
  maxAgeMs?: number;
}

/**
 * Worker side: a command is processed only when signed by the gateway's key, seen for the first
 * time, and fresh. A tenant id in a header is only as trustworthy as whoever can publish to the
 * broker; the signature is what makes it the gateway's word.
 */
export class MessageAuthenticator {
  // One per age limit: a guard's window is constant, which keeps its eviction cheap.
  private readonly guards = new Map<number, ReplayGuard>();
  // Each delivery's check of its bytes, made once (a body may be 33 MiB) and kept no longer than it.
  private readonly arrivals = new WeakMap<Message, VerifiedCommand | PendingV1>();

  constructor(private readonly options: AuthenticatorOptions) {}

  /**
   * Checks the signature over the delivery's exact bytes, headers and properties, before anything
   * parses it: RejectedMessageError unless the gateway's key signed them. A worker's heap is capped,
   * and parsing is where one forged message could take the process down. A v1 signature (while
   * MESSAGE_SIGNATURE_ACCEPT_V1 is set) covers the parsed payload, so it passes here and is checked
   * by authenticate, after parsing.
   */
  checkBytes(message: Message): void {
    this.arrival(message);
  }

  /**
   * The key that signed the command, once it is shown to be the gateway's and seen for the first
   * time, and the traceparent it was signed with ('' when none, or when the signature is v1). Its time is checked apart, by assertFresh, after the caller has taken the key to sign its
   * answer with: a command refused for its time is still answered in the worker's name (503), while
   * a replayed copy is not answered at all (the genuine one is).
   */
  authenticate(
    message: ConsumeMessage,
    identity: TenantIdentity,
    packet: MessagePacket,
    { trustRedelivery = false, maxAgeMs = this.options.maxAgeMs }: AuthenticateOptions = {},
    now = Date.now(),
  ): { key: KeyObject; signedAt: number; traceparent: string } {
    // The bytes were checked on arrival (checked here if they were not); only v1 waits for the packet.
    const arrival = this.arrival(message);
    const { fields, signature, key } = arrival.key
      ? arrival
      : verifiedV1(this.options.keys, arrival, identity, packet);
    // A message the broker hands out again after a lost ack was seen here before. For a handler
    // behind the inbox (trustRedelivery) the inbox decides what becomes of it; for one that only
    // reads, a second sighting is refused, as `redelivered` can be provoked by anyone who may
    // consume and requeue.
    const redelivery = trustRedelivery && message.fields.redelivered;
    if (!this.guard(maxAgeMs).firstSighting(signature, now) && !redelivery) {
      throw new RejectedMessageError('message replayed');
    }
    // The trace to continue, only when the signature covers it: v1 does not.
    const traceparent = arrival.key ? fields.traceparent : '';
    return { key, signedAt: fields.signedAt, traceparent };
  }

  /** Refuses a signature older than the age limit, or dated further ahead than the clocks may differ. */
  assertFresh(signedAt: number, maxAgeMs = this.options.maxAgeMs, now = Date.now()): void {
    const age = now - signedAt;
    if (age > maxAgeMs)
      throw new StaleSignatureError(`signature stale: signed ${age} ms ago (limit ${maxAgeMs})`);
    if (-age > this.options.maxSkewMs) {
      throw new StaleSignatureError(
        `signature stale: dated ${-age} ms ahead of this clock (limit ${this.options.maxSkewMs})`,
      );
    }
  }

  /** A message that failed for a transient reason and will come back: not a replay then. */
  forget(message: ConsumeMessage): void {
    const signature = text(message, MessageHeader.Signature);
    if (signature) for (const guard of this.guards.values()) guard.forget(signature);
  }

  private arrival(message: Message): VerifiedCommand | PendingV1 {
    let arrival = this.arrivals.get(message);
    if (!arrival) {
      arrival = verifiedBytes(this.options.keys, message, { acceptV1: this.options.acceptV1 });
      this.arrivals.set(message, arrival);
    }
    return arrival;
  }

  /**
   * A signature stays acceptable from `maxSkewMs` before its time until `maxAgeMs` after it: first
   * seen at any moment of that range, it must be remembered for the whole of it.
   */
  private guard(maxAgeMs: number): ReplayGuard {
    let guard = this.guards.get(maxAgeMs);
    if (!guard) {
      guard = new ReplayGuard(maxAgeMs + this.options.maxSkewMs);
      this.guards.set(maxAgeMs, guard);
    }
    return guard;
  }
}

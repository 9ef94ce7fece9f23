import type { Message, Options } from 'amqplib';
import { KeyObject } from 'node:crypto';
import { MessageHeader, RejectedMessageError } from '@app/messaging';
import { SignedIdentity, signedPublish, verifiedCommand } from '@app/signing';
import { isUuid } from '@app/tenancy';
import type { DeadLetter } from './dead-letter';

export interface ReplayOptions {
  /** Accepted for the original signature: the current key, then the previous one in a rotation. */
  keys: readonly KeyObject[];
  /** Also accept an original signature in the format before v2 (MESSAGE_SIGNATURE_ACCEPT_V1). */
  acceptV1: boolean;
  /** Signs the replay: the current key. */
  key: KeyObject;
  /** The replay's new deadline, from now, and its expiration on the queue. */
  deadlineMs: number;
  /** How long the workers' inbox keeps a message id (IDEMPOTENCY_TTL_HOURS). */
  inboxRetentionMs: number;
}

export interface ReplayPublish {
  content: Buffer;
  options: Options.Publish & { correlationId: string; messageId: string };
  /** A request (the packet has an id) is answered to the replay's reply queue; an event is not answered. */
  expectsReply: boolean;
}

/** Where the worker answers a replayed request: the replay's own reply queue, under a fresh id. */
export interface ReplayAddress {
  replyTo: string;
  correlationId: string;
}

// What the worker or RabbitMQ wrote on the dead letter; the replay is a fresh first attempt.
const DEAD_LETTER_HEADERS = [
  MessageHeader.DeadLetterReason,
  MessageHeader.SourceQueue,
  MessageHeader.Attempt,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
];

/**
 * The dead letter as it goes back to the command queue: only if the gateway's key (current or
 * previous) signed it, so a forged message stays dead (RejectedMessageError). Same body, tenant,
 * user and message id, so the worker's inbox answers one whose work had committed; a fresh time,
 * deadline and signature, so it is neither stale nor a replay to the worker.
 */
export function replayedCommand(
  message: Message,
  letter: DeadLetter,
  replay: ReplayOptions,
  { replyTo, correlationId }: ReplayAddress,
  now = Date.now(),
): ReplayPublish {
  if (!letter.packet) throw new RejectedMessageError('the body is not a command packet');
  const { fields } = verifiedCommand(replay.keys, message, identityOf(letter), letter.packet, {
    acceptV1: replay.acceptV1,
  });
  // The inbox keeps an applied id for its retention from when it ran, which is after signedAt. Past
  // that from signedAt it may have forgotten one, and would apply it again. signedAt is signed.
  if (now - fields.signedAt > replay.inboxRetentionMs)
    throw new RejectedMessageError(
      'signed before the inbox retention (IDEMPOTENCY_TTL_HOURS): may have been applied',
    );
  const deadline = String(now + replay.deadlineMs);
  const headers: Record<string, unknown> = { ...(message.properties.headers ?? {}) };
  for (const name of DEAD_LETTER_HEADERS) delete headers[name];
  Object.assign(headers, { [MessageHeader.Deadline]: deadline, [MessageHeader.SignedAt]: String(now) });
  // The same bytes, signed anew over them and these options.
  const options = signedPublish(replay.key, message.content, {
    persistent: true,
    // Unroutable (the command queue is gone) comes back as a return rather than vanishing.
    mandatory: true,
    contentType: message.properties.contentType as string | undefined,
    messageId: fields.messageId,
    correlationId,
    replyTo: letter.isRequest ? replyTo : undefined,
    // As the gateway does: a replay nobody takes before its deadline expires, back to the DLQ.
    expiration: String(replay.deadlineMs),
    timestamp: Math.floor(now / 1000),
    headers,
  });
  return { content: message.content, expectsReply: letter.isRequest, options };
}

/**
 * The time to sign each replay at: now, but never the same millisecond twice. Two copies of one dead
 * letter (a crash left a duplicate) signed in the same millisecond would carry the same signature,
 * which the worker refuses the second time as a replay, instead of answering it from the inbox.
 */
export function signingClock(): () => number {
  let last = 0;
  return () => (last = Math.max(Date.now(), last + 1));
}

/** The worker's reading of the identity headers (message-identity.ts), which the signature covers. */
function identityOf({ tenantId, userId }: DeadLetter): SignedIdentity {
  if (!isUuid(tenantId))
    throw new RejectedMessageError(`${MessageHeader.TenantId} header is missing or not a uuid`);
  if (!userId || userId.length > 200)
    throw new RejectedMessageError(`${MessageHeader.UserId} header is missing or invalid`);
  return { tenantId: tenantId.toLowerCase(), userId };
}

import type { ConsumeMessage } from 'amqplib';
import { isUuid, TenantIdentity } from '@app/tenancy';
import { DeadlinePassedError, header, MessageHeader, RejectedMessageError } from '@app/messaging';

/** The identity a message acts under, from its headers only; anything off is a rejection. */
export function readIdentity(message: ConsumeMessage): TenantIdentity {
  const tenantId = header(message, MessageHeader.TenantId);
  if (!isUuid(tenantId))
    throw new RejectedMessageError(`${MessageHeader.TenantId} header is missing or not a uuid`);
  const userId = header(message, MessageHeader.UserId);
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 200) {
    throw new RejectedMessageError(`${MessageHeader.UserId} header is missing or invalid`);
  }
  const correlationId = header(message, MessageHeader.CorrelationId);
  return {
    tenantId: tenantId.toLowerCase(),
    userId,
    correlationId: typeof correlationId === 'string' && correlationId.length <= 200 ? correlationId : '',
  };
}

/**
 * Refuses a message whose caller has already given up waiting for it, or will have within
 * `marginMs` (kept back for COMMIT and the reply when checked before committing).
 */
export function assertNotExpired(message: ConsumeMessage, now = Date.now(), marginMs = 0): void {
  const raw = header(message, MessageHeader.Deadline);
  if (raw === undefined) return;
  const deadline = Number(raw);
  if (!Number.isFinite(deadline))
    throw new RejectedMessageError(`${MessageHeader.Deadline} header is not a number`);
  if (now > deadline) throw new DeadlinePassedError(`deadline passed ${now - deadline} ms ago`);
  if (now + marginMs > deadline) {
    throw new DeadlinePassedError(`deadline ${deadline - now} ms away, too close to go on`);
  }
}

import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Inbox, InboxRecord, TenantTransaction } from '@app/database';
import { DomainError, ErrorCode, IdempotencyMismatchError } from '@app/errors';
import type { MessagePacket } from '@app/signing';

/** Thrown inside the transaction when the message id is in the inbox already: rolls the work back. */
export class RepeatedMessageError extends Error {
  constructor() {
    super('message already applied');
    this.name = 'RepeatedMessageError';
  }
}

export interface Applied {
  messageId: string;
  packet: MessagePacket;
}

/**
 * Exactly-once effect per message id, over the inbox. The work runs, then its id and reply are
 * recorded in the same transaction; a repeat (a lost ack, an Idempotency-Key retry) finds the id
 * taken, rolls back, and is answered with the first reply. A repeat that fails on its own first
 * (say 409 on a name the first attempt created) is answered the same way.
 */
@Injectable()
export class ExactlyOnce {
  constructor(
    private readonly inbox: Inbox,
    private readonly tenantTransaction: TenantTransaction,
  ) {}

  /** Inside the tenant transaction, after the work: records it, or throws RepeatedMessageError. */
  async record({ messageId, packet }: Applied, reply: unknown): Promise<void> {
    const recorded = await this.inbox.record({
      messageId,
      pattern: packet.pattern,
      requestHash: requestHash(packet),
      reply,
    });
    if (!recorded) throw new RepeatedMessageError();
  }

  /**
   * After the work failed: the answer an earlier delivery of the same id recorded, if any; the same
   * id for another request is IdempotencyMismatchError. Looked up in a transaction of its own, the
   * failed one being rolled back.
   */
  async earlierAnswer(applied: Applied, failure: unknown): Promise<InboxRecord | undefined> {
    const mayBeRepeat =
      failure instanceof RepeatedMessageError ||
      (failure instanceof DomainError && failure.code !== ErrorCode.TenantForbidden);
    if (!mayBeRepeat) return undefined;
    const seen = await this.tenantTransaction.run(() => this.inbox.find(applied.messageId));
    if (seen && seen.requestHash !== requestHash(applied.packet)) throw new IdempotencyMismatchError();
    return seen;
  }
}

function requestHash(packet: MessagePacket): string {
  return createHash('sha256').update(JSON.stringify(packet)).digest('base64url');
}

import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { DATABASE_OPTIONS, DatabaseOptions } from '../database.options';
import { TenantPrismaClient } from './tenant-prisma.client';
import { TENANT_PRISMA } from './tokens';

/** A command the inbox has seen: what it was, and what it answered (null while it runs). */
export interface InboxRecord {
  requestHash: string;
  reply: unknown;
}

// One claim in this many also sweeps the tenant's rows older than the retention window.
const SWEEP_EVERY = 100;

/**
 * Exactly-once effect per message id: claim() inserts the id in the tenant transaction before the
 * work and record() stores the reply before COMMIT, so the effect and its inbox row commit or roll
 * back together. Through the tenant-scoped client, so RLS keeps each tenant's inbox its own.
 */
@Injectable()
export class Inbox {
  constructor(
    @Inject(TENANT_PRISMA) private readonly db: TenantPrismaClient,
    @Inject(DATABASE_OPTIONS) private readonly options: DatabaseOptions,
  ) {}

  /**
   * Claims the message id for this transaction, or returns what an earlier delivery recorded. A
   * concurrent claim of the same id waits for the first transaction, then sees its row.
   */
  async claim(messageId: string, pattern: string, requestHash: string): Promise<InboxRecord | undefined> {
    const { count } = await this.db.inboxEntry.createMany({
      data: [{ messageId, pattern, requestHash }],
      skipDuplicates: true,
    });
    if (count === 1) {
      if (Math.random() * SWEEP_EVERY < 1) await this.sweep();
      return undefined;
    }
    const seen = await this.db.inboxEntry.findFirst({
      where: { messageId },
      select: { requestHash: true, reply: true },
    });
    return seen ?? undefined;
  }

  async record(messageId: string, reply: unknown): Promise<void> {
    await this.db.inboxEntry.updateMany({
      where: { messageId },
      data: {
        reply: reply === undefined || reply === null ? Prisma.JsonNull : (reply as Prisma.InputJsonValue),
      },
    });
  }

  /** Deletes this tenant's rows older than the retention window (RLS limits it to the tenant). */
  private async sweep(): Promise<void> {
    const before = new Date(Date.now() - this.options.inboxRetentionMs);
    await this.db.inboxEntry.deleteMany({ where: { createdAt: { lt: before } } });
  }
}

import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

const MESSAGE_ID = 'messageId';
const AFTER_COMMIT = 'afterCommit';

/** The message being handled, for handlers that derive ids from it (a job's id from its command's). */
@Injectable()
export class CurrentMessage {
  constructor(private readonly cls: ClsService) {}

  /** Set by the pipeline once the message is authenticated. */
  set(messageId: string): void {
    this.cls.set(MESSAGE_ID, messageId);
    // Made here, in the message's own context, and filled in place: the transaction runs in a
    // nested context whose store is a copy, where a value set would not be seen here afterwards.
    this.cls.set(AFTER_COMMIT, []);
  }

  /**
   * Runs `run` once the message's transaction has committed, never when it rolls back (a retried
   * message's attempts would count twice): for counters of what the work did. Outside a message,
   * nothing.
   */
  afterCommit(run: () => void): void {
    if (!this.cls.isActive()) return;
    this.cls.get<Array<() => void> | undefined>(AFTER_COMMIT)?.push(run);
  }

  /** Set by the pipeline: the transaction committed (true) or rolled back (false). */
  settled(committed: boolean): void {
    if (!this.cls.isActive()) return;
    const waiting = this.cls.get<Array<() => void> | undefined>(AFTER_COMMIT)?.splice(0) ?? [];
    if (committed) for (const run of waiting) run();
  }

  get id(): string {
    const id = this.cls.isActive() ? this.cls.get<string | undefined>(MESSAGE_ID) : undefined;
    if (!id) throw new Error('no message is being handled here');
    return id;
  }
}

/** What marks a job failed when one of its batches is dead-lettered; provided by libs/jobs. */
export interface JobFailures {
  /** False while the job is not visible yet or still open (its start command has not committed): try again. */
  failed(jobId: string, reason: string): Promise<boolean>;
}

export const JOB_FAILURES = Symbol('JOB_FAILURES');

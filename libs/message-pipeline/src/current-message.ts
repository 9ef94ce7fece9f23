import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

const MESSAGE_ID = 'messageId';

/** The message being handled, for handlers that derive ids from it (a job's id from its command's). */
@Injectable()
export class CurrentMessage {
  constructor(private readonly cls: ClsService) {}

  /** Set by the pipeline once the message is authenticated. */
  set(messageId: string): void {
    this.cls.set(MESSAGE_ID, messageId);
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

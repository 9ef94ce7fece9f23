import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError, ErrorCode, NotFoundError, TransientError } from '@app/errors';
import { derivedUuid } from '@app/messaging';
import { CurrentMessage, JobFailures, JobQueue } from '@app/message-pipeline';
import { pageRequest, toPage } from '@app/pagination';
import type { JobAccepted, JobPage, JobView, ListJobsInput } from './jobs.contract';
import { JobsMetrics } from './jobs.metrics';
import { JobRecord, JobsRepository } from './jobs.repository';

/**
 * What a batch did: how many of the job's items it settled, and the job's result with it folded in;
 * or why the job cannot go on (it then ends `failed` with that error).
 */
export interface BatchOutcome {
  done: number;
  result: (previous: unknown) => object;
  error?: string;
}

/** The job was cancelled while a batch ran: the batch is rolled back and acked, not applied. */
export class JobClosedError extends DomainError {
  constructor() {
    super(ErrorCode.Conflict, 'The job was cancelled or has finished');
  }
}

function toView(job: JobRecord): JobView {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: { done: job.progressDone, total: job.progressTotal },
    ...(job.result !== null && { result: job.result }),
    ...(job.error !== null && { error: job.error }),
    createdAt: job.createdAt.toISOString(),
    ...(job.startedAt && { startedAt: job.startedAt.toISOString() }),
    ...(job.finishedAt && { finishedAt: job.finishedAt.toISOString() }),
  };
}

/**
 * Background jobs, run inside the caller's tenant transaction. A job is a row (its status, progress
 * and result) and batches on the jobs queue, each applied once (the inbox, by a batch id derived from
 * the job's) in a transaction that also moves the job's progress.
 */
@Injectable()
export class JobsService implements JobFailures {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueue,
    private readonly message: CurrentMessage,
    private readonly metrics: JobsMetrics,
  ) {}

  /**
   * Starts a job over `items`, in batches of the configured size, each published as `pattern` with
   * the payload `batch(jobId, index, items)`. The job's id is derived from the current command's, so
   * a repeated command starts nothing new. The job is recorded and its batches published before the
   * transaction commits: once the caller has its 202, the job is in PostgreSQL and its work on a
   * durable queue.
   */
  async start<T>(
    type: string,
    items: T[],
    pattern: string,
    batch: (jobId: string, index: number, items: T[]) => { jobId: string } & object,
  ): Promise<JobAccepted> {
    const jobId = derivedUuid('job', this.message.id);
    const size = this.queue.batchSize;
    const batches = Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
      batch(jobId, i, items.slice(i * size, (i + 1) * size)),
    );
    const created = await this.jobs.create({
      id: jobId,
      type,
      progressTotal: items.length,
      batchesTotal: batches.length,
    });
    // The command is being repeated: the pipeline answers it with its first reply.
    if (!created) throw new ConflictError('This job exists already');
    await this.queue.publish(
      batches.map((data, index) => ({
        pattern,
        data,
        messageId: derivedUuid('batch', jobId, String(index)),
      })),
    );
    this.metrics.jobStarted(type);
    return { jobId, status: 'queued' };
  }

  /**
   * Runs one batch of an open job and moves its progress, in the caller's transaction; a job that
   * is cancelled or finished is left alone. The job's row is locked only at the end, to count the
   * batch: a cancel never waits for a batch's work, and one that lands meanwhile rolls the batch
   * back (JobClosedError). A job not visible yet (its command has not committed) is retried; its
   * command either commits soon or never does.
   */
  async runBatch(jobId: string, work: () => Promise<BatchOutcome>): Promise<void> {
    const before = await this.jobs.find(jobId);
    if (!before) throw new TransientError(`job ${jobId} is not visible yet`);
    if (before.status !== 'queued' && before.status !== 'running') return;
    const outcome = await work();
    const job = await this.jobs.count(jobId, outcome.error === undefined ? outcome.done : 0);
    if (!job) throw new JobClosedError();
    const finished = job.batchesDone >= job.batchesTotal;
    const now = new Date();
    await this.jobs.update(jobId, {
      result: outcome.result(job.result),
      startedAt: job.startedAt ?? now,
      ...(outcome.error !== undefined && { status: 'failed', error: outcome.error, finishedAt: now }),
      ...(outcome.error === undefined && finished && { status: 'succeeded', finishedAt: now }),
    });
    if (outcome.error !== undefined || finished) {
      this.metrics.jobEnded({ ...job, status: outcome.error === undefined ? 'succeeded' : 'failed', finishedAt: now });
    }
  }

  async get(id: string): Promise<JobView> {
    const job = await this.jobs.find(id);
    if (!job) throw new NotFoundError('Job');
    return toView(job);
  }

  async list(input: ListJobsInput): Promise<JobPage> {
    return toPage(await this.jobs.findPage(input.status, pageRequest(input)), input, toView);
  }

  /** Cancels a queued or running job: batches still queued are skipped; what is committed stays. */
  async cancel(id: string): Promise<JobView> {
    const cancelled = await this.jobs.finish(id, 'cancelled');
    if (cancelled) {
      this.metrics.jobEnded(cancelled);
      return toView(cancelled);
    }
    const job = await this.jobs.find(id);
    if (!job) throw new NotFoundError('Job');
    throw new ConflictError(`The job has already ${job.status}`);
  }

  /** True once the job has ended; false while it is not visible or still open (then try again). */
  async failed(jobId: string, reason: string): Promise<boolean> {
    const failed = await this.jobs.finish(jobId, 'failed', `A batch could not be applied: ${reason}`);
    if (failed) {
      this.metrics.jobEnded(failed);
      return true;
    }
    // Its start may commit between the two statements: seen here, still open, but missed above.
    const job = await this.jobs.find(jobId);
    return job !== null && job.status !== 'queued' && job.status !== 'running';
  }
}

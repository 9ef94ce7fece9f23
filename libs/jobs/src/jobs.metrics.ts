import { Injectable } from '@nestjs/common';
import { CurrentMessage } from '@app/message-pipeline';
import { Metrics } from '@app/metrics';
import type { JobRecord } from './jobs.repository';

/**
 * Jobs started and ended, by type and final status, and how long they took from being queued to
 * their end. Counted only once the transaction that started or ended the job has committed: a
 * batch retried after a rollback must not count its job twice.
 */
@Injectable()
export class JobsMetrics {
  private readonly started;
  private readonly finished;
  private readonly duration;

  constructor(
    metrics: Metrics,
    private readonly message: CurrentMessage,
  ) {
    this.started = metrics.counter({
      name: 'tenantry_jobs_started_total',
      help: 'Background jobs started, by type',
      labelNames: ['type'] as const,
    });
    this.finished = metrics.counter({
      name: 'tenantry_jobs_finished_total',
      help: 'Background jobs ended, by type and status (succeeded, failed, cancelled)',
      labelNames: ['type', 'status'] as const,
    });
    this.duration = metrics.histogram({
      name: 'tenantry_job_duration_seconds',
      help: 'From a job being queued to its end, by type and status',
      labelNames: ['type', 'status'] as const,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    });
  }

  jobStarted(type: string): void {
    this.message.afterCommit(() => this.started.inc({ type }));
  }

  /** `job` as it ended (its status final, its finishedAt set). */
  jobEnded(job: Pick<JobRecord, 'type' | 'status' | 'createdAt' | 'finishedAt'>): void {
    const { type, status } = job;
    const seconds = ((job.finishedAt ?? new Date()).getTime() - job.createdAt.getTime()) / 1000;
    this.message.afterCommit(() => {
      this.finished.inc({ type, status });
      this.duration.observe({ type, status }, seconds);
    });
  }
}

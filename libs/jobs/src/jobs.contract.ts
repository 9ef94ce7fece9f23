import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { Page, PageQuery } from '@app/pagination';

/** Message patterns, versioned: a breaking payload change gets a new version, never an edit. */
export const JobPattern = {
  Get: 'jobs.get.v1',
  List: 'jobs.list.v1',
  Cancel: 'jobs.cancel.v1',
} as const;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Path of /jobs/:id, and payload of get and cancel. */
export class JobIdInput {
  @IsUUID()
  id!: string;
}

/** Query of GET /jobs and payload of jobs.list.v1: newest first. */
export class ListJobsInput extends PageQuery {
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}

/** What a POST that starts a job answers, with 202 and `Location: /jobs/<id>`. */
export interface JobAccepted {
  jobId: string;
  status: JobStatus;
}

/** A job as the API returns it; dates are ISO 8601 strings. */
export interface JobView {
  id: string;
  type: string;
  status: JobStatus;
  progress: { done: number; total: number };
  result?: unknown;
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export type JobPage = Page<JobView>;

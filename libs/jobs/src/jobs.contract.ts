import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageOf, PageQuery } from '@app/pagination';

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
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** Query of GET /jobs and payload of jobs.list.v1: newest first. */
export class ListJobsInput extends PageQuery {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}

/** What a POST that starts a job answers, with 202 and `Location: /jobs/<id>`. */
export class JobAccepted {
  @ApiProperty({ format: 'uuid' })
  jobId!: string;

  @ApiProperty({ enum: JOB_STATUSES })
  status!: JobStatus;
}

export class JobProgress {
  @ApiProperty({ type: 'integer', description: 'Items settled so far' })
  done!: number;

  @ApiProperty({ type: 'integer' })
  total!: number;
}

/** A job as the API returns it; dates are ISO 8601 strings. A class only for the API document. */
export class JobView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    example: 'projects.import',
    description: 'projects.import, projects.archive or projects.unarchive',
  })
  type!: string;

  @ApiProperty({ enum: JOB_STATUSES })
  status!: JobStatus;

  @ApiProperty({ type: JobProgress })
  progress!: JobProgress;

  // Each job type has its own result; the jobs lib does not know them (projects depends on it).
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'By type, as it grows batch by batch: an import `{imported, conflicts, conflictNames}`, an archive `{projectId, status}`',
  })
  result?: unknown;

  @ApiPropertyOptional({ description: 'Why the job failed' })
  error?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  startedAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  finishedAt?: string;
}

/** A page of the tenant's jobs, newest first. */
export class JobPage extends PageOf(JobView) {}

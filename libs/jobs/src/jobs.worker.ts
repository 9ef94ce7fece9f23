import { JOB_FAILURES } from '@app/message-pipeline';
import type { WorkerParts } from '@app/resource';
import { JobsMessageController } from './jobs.message.controller';
import { JobsMetrics } from './jobs.metrics';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { JOBS } from './jobs.token';

/** The worker's side of jobs (see ResourceParts.worker). */
export const jobsWorker: WorkerParts = {
  message: [JobsMessageController],
  providers: [
    JobsService,
    JobsMetrics,
    JobsRepository,
    { provide: JOBS, useExisting: JobsService },
    { provide: JOB_FAILURES, useExisting: JobsService },
  ],
};

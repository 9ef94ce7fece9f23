export { JobsModule } from './jobs.module';
export { JobsService } from './jobs.service';
export type { BatchOutcome } from './jobs.service';
export { JobPattern } from './jobs.contract';
export type { JobAccepted, JobPage, JobStatus, JobView } from './jobs.contract';

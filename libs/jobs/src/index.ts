export { JobsModule } from './jobs.module';
export type { JobsService } from './jobs.service';
export { JOBS } from './jobs.token';
export type { BatchOutcome } from './jobs.service';
export { JobPattern } from './jobs.contract';
export { JobAccepted, JobPage, JobView } from './jobs.contract';
export type { JobStatus } from './jobs.contract';

export { JobsModule } from './jobs.module';
export { JobsService } from './jobs.service';
export type { BatchOutcome } from './jobs.service';
export { JobPattern } from './jobs.contract';
export { JobAccepted, JobPage, JobView } from './jobs.contract';
export type { JobStatus } from './jobs.contract';

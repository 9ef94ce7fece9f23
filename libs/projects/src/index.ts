export { ProjectsModule } from './projects.module';
// The service and repository only for the benchmark's in-process path and the tenant-client test.
export { ProjectsService } from './projects.service';
export { ProjectsRepository } from './projects.repository';
export { ProjectPattern } from './projects.contract';
export type { ProjectPage, ProjectView } from './projects.contract';
export { ProjectJobPattern } from './projects-jobs.contract';
export type { ImportResult } from './projects-jobs.contract';

export { ProjectsModule } from './projects.module';
export { ProjectPattern } from './projects.contract';
export type { ProjectPage, ProjectView } from './projects.contract';
export { ProjectJobPattern } from './projects-jobs.contract';
export type { ImportResult } from './projects-jobs.contract';

/**
 * The worker's side (the service and repository), for the benchmark's in-process path and the
 * tests that drive the repository: loaded on demand, so that the gateway never loads the database
 * client through this index.
 */
export const projectsWorkerSide = () => import('./projects.worker.js');
export type { ProjectsService } from './projects.service';
export type { ProjectsRepository } from './projects.repository';

import type { WorkerParts } from '@app/resource';
import { ProjectsImportRepository } from './projects-import.repository';
import { ProjectsJobsMessageController } from './projects-jobs.message.controller';
import { ProjectsJobsService } from './projects-jobs.service';
import { ProjectsMessageController } from './projects.message.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

// For the benchmark's in-process path and the tests that drive the repository directly.
export { ProjectsService, ProjectsRepository };

/** The worker's side of projects (see ResourceParts.worker). */
export const projectsWorker: WorkerParts = {
  message: [ProjectsMessageController, ProjectsJobsMessageController],
  providers: [ProjectsService, ProjectsRepository, ProjectsJobsService, ProjectsImportRepository],
};

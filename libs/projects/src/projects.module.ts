import { Module } from '@nestjs/common';
import { ResourceModule } from '@app/resource';
import { ProjectsHttpController } from './projects.http.controller';
import { ProjectsJobsHttpController } from './projects-jobs.http.controller';

@Module({})
export class ProjectsModule extends ResourceModule({
  // The jobs' controllers first: `POST /projects/import` before anything under /projects/:id.
  http: [ProjectsJobsHttpController, ProjectsHttpController],
  worker: async () => (await import('./projects.worker.js')).projectsWorker,
}) {}

import { Module } from '@nestjs/common';
import { ResourceModule } from '@app/resource';
import { ProjectsHttpController } from './projects.http.controller';
import { ProjectsImportRepository } from './projects-import.repository';
import { ProjectsJobsHttpController } from './projects-jobs.http.controller';
import { ProjectsJobsMessageController } from './projects-jobs.message.controller';
import { ProjectsJobsService } from './projects-jobs.service';
import { ProjectsMessageController } from './projects.message.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

@Module({})
export class ProjectsModule extends ResourceModule({
  // The jobs' controllers first: `POST /projects/import` before anything under /projects/:id.
  http: [ProjectsJobsHttpController, ProjectsHttpController],
  message: [ProjectsMessageController, ProjectsJobsMessageController],
  providers: [ProjectsService, ProjectsRepository, ProjectsJobsService, ProjectsImportRepository],
}) {}

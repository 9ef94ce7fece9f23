import { Module } from '@nestjs/common';
import { ResourceModule } from '@app/resource';
import { ProjectsHttpController } from './projects.http.controller';
import { ProjectsMessageController } from './projects.message.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

@Module({})
export class ProjectsModule extends ResourceModule({
  http: [ProjectsHttpController],
  message: [ProjectsMessageController],
  providers: [ProjectsService, ProjectsRepository],
}) {}

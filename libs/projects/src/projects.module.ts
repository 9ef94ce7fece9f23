import { DynamicModule, Module } from '@nestjs/common';
import { ProjectsHttpController } from './projects.http.controller';
import { ProjectsMessageController } from './projects.message.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

/** The projects resource: `ProjectsModule.forGateway()` in the gateway, `.forWorker()` in the worker. */
@Module({})
export class ProjectsModule {
  static forGateway(): DynamicModule {
    return { module: ProjectsModule, controllers: [ProjectsHttpController] };
  }

  static forWorker(): DynamicModule {
    return {
      module: ProjectsModule,
      controllers: [ProjectsMessageController],
      providers: [ProjectsService, ProjectsRepository],
      exports: [ProjectsService],
    };
  }
}

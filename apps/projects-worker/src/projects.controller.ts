import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateProjectInput,
  ListProjectsInput,
  ProjectIdInput,
  ProjectPage,
  ProjectPattern,
  ProjectView,
  UpdateProjectPayload,
} from '@app/messaging';
import { ProjectsService } from '@app/projects';

/** Translates messages to use cases. Settlement and tenancy are the interceptor's job. */
@Controller()
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @MessagePattern(ProjectPattern.Create)
  create(@Payload() input: CreateProjectInput): Promise<ProjectView> {
    return this.projects.create(input);
  }

  @MessagePattern(ProjectPattern.List)
  list(@Payload() input: ListProjectsInput): Promise<ProjectPage> {
    return this.projects.list(input);
  }

  @MessagePattern(ProjectPattern.Get)
  get(@Payload() input: ProjectIdInput): Promise<ProjectView> {
    return this.projects.get(input.id);
  }

  @MessagePattern(ProjectPattern.Update)
  update(@Payload() { id, ...changes }: UpdateProjectPayload): Promise<ProjectView> {
    return this.projects.update(id, changes);
  }

  @MessagePattern(ProjectPattern.Delete)
  async delete(@Payload() input: ProjectIdInput): Promise<{ deleted: true }> {
    await this.projects.delete(input.id);
    return { deleted: true };
  }
}

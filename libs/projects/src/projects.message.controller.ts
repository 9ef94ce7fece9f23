import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Command } from '@app/message-pipeline';
import {
  CreateProjectInput,
  ListProjectsInput,
  ProjectIdInput,
  ProjectPage,
  ProjectPattern,
  ProjectView,
  UpdateProjectPayload,
} from './projects.contract';
import { ProjectsService } from './projects.service';

/** Worker side: messages to use cases. Validation, tenancy and settlement are the pipeline's job. */
@Controller()
export class ProjectsMessageController {
  constructor(private readonly projects: ProjectsService) {}

  @Command(ProjectPattern.Create, CreateProjectInput)
  create(@Payload() input: CreateProjectInput): Promise<ProjectView> {
    return this.projects.create(input);
  }

  @Command(ProjectPattern.List, ListProjectsInput, { readsOnly: true })
  list(@Payload() input: ListProjectsInput): Promise<ProjectPage> {
    return this.projects.list(input);
  }

  @Command(ProjectPattern.Get, ProjectIdInput, { readsOnly: true })
  get(@Payload() input: ProjectIdInput): Promise<ProjectView> {
    return this.projects.get(input.id);
  }

  @Command(ProjectPattern.Update, UpdateProjectPayload)
  update(@Payload() { id, ...changes }: UpdateProjectPayload): Promise<ProjectView> {
    return this.projects.update(id, changes);
  }

  @Command(ProjectPattern.Delete, ProjectIdInput)
  async delete(@Payload() input: ProjectIdInput): Promise<{ deleted: true }> {
    await this.projects.delete(input.id);
    return { deleted: true };
  }
}

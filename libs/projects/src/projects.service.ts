import { Injectable } from '@nestjs/common';
import { ConflictError } from '@app/errors';
import { pageRequest, toPage } from '@app/pagination';
import type {
  CreateProjectInput,
  ListProjectsInput,
  ProjectPage,
  ProjectView,
  UpdateProjectInput,
} from './projects.contract';
import { ProjectRecord, ProjectsRepository } from './projects.repository';

function toView(project: ProjectRecord): ProjectView {
  return {
    id: project.id,
    tenantId: project.tenantId,
    name: project.name,
    description: project.description,
    status: project.status,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}

/** Project use cases, run inside the caller's tenant transaction. */
@Injectable()
export class ProjectsService {
  constructor(private readonly projects: ProjectsRepository) {}

  async create(input: CreateProjectInput): Promise<ProjectView> {
    return toView(await this.projects.create({ name: input.name, description: input.description ?? null }));
  }

  async list(input: ListProjectsInput): Promise<ProjectPage> {
    return toPage(await this.projects.findPage(pageRequest(input)), input, toView);
  }

  async get(id: string): Promise<ProjectView> {
    return toView(await this.projects.findById(id));
  }

  async update(id: string, input: UpdateProjectInput): Promise<ProjectView> {
    // An archived project is read-only until it is unarchived.
    if ((await this.projects.findById(id)).status === 'archived') {
      throw new ConflictError('The project is archived; unarchive it to change it');
    }
    return toView(await this.projects.update(id, { name: input.name, description: input.description }));
  }

  delete(id: string): Promise<void> {
    return this.projects.delete(id);
  }
}

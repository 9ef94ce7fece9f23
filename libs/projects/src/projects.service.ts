import { Injectable } from '@nestjs/common';
import { ProjectRecord, ProjectsRepository } from '@app/database';
import type {
  CreateProjectInput,
  ListProjectsInput,
  ProjectPage,
  ProjectView,
  UpdateProjectInput,
} from '@app/messaging';
import { decodeCursor, encodeCursor } from './project-cursor';

export const DEFAULT_PAGE_SIZE = 20;

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
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
    // One extra row tells whether another page exists without a count query.
    const rows = await this.projects.findPage(limit + 1, after);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toView),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async get(id: string): Promise<ProjectView> {
    return toView(await this.projects.findById(id));
  }

  async update(id: string, input: UpdateProjectInput): Promise<ProjectView> {
    return toView(await this.projects.update(id, { name: input.name, description: input.description }));
  }

  delete(id: string): Promise<void> {
    return this.projects.delete(id);
  }
}

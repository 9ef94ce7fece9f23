import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, TENANT_PRISMA, TenantPrismaClient } from '@app/database';
import type { ProjectModel } from '@app/database';
import { ConflictError, NotFoundError } from '@app/errors';
import { keyset, PageRequest } from '@app/pagination';

export type ProjectRecord = ProjectModel;

export interface ProjectChanges {
  name?: string;
  description?: string | null;
}

const DUPLICATE_NAME = 'A project with this name already exists';

/**
 * Projects of the tenant in context. No method takes a tenant id: the tenant-scoped client and
 * RLS decide which rows exist, so another tenant's project is simply not found.
 */
@Injectable()
export class ProjectsRepository {
  constructor(@Inject(TENANT_PRISMA) private readonly db: TenantPrismaClient) {}

  async create(data: { name: string; description?: string | null }): Promise<ProjectRecord> {
    try {
      // tenant_id is left to its column default, read from the transaction's tenant setting.
      return await this.db.project.create({ data });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(DUPLICATE_NAME);
      throw err;
    }
  }

  // Every method awaits its query here: a Prisma query runs only when awaited, and must run
  // inside the caller's tenant context, not wherever the promise happens to be awaited.
  async findPage({ take, after }: PageRequest): Promise<ProjectRecord[]> {
    return await this.db.project.findMany({ ...keyset('desc', after), take });
  }

  async findById(id: string): Promise<ProjectRecord> {
    const project = await this.db.project.findFirst({ where: { id } });
    if (!project) throw new NotFoundError('Project');
    return project;
  }

  async update(id: string, changes: ProjectChanges): Promise<ProjectRecord> {
    try {
      const [project] = await this.db.project.updateManyAndReturn({ where: { id }, data: changes });
      if (!project) throw new NotFoundError('Project');
      return project;
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(DUPLICATE_NAME);
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    const { count } = await this.db.project.deleteMany({ where: { id } });
    if (count === 0) throw new NotFoundError('Project');
  }
}

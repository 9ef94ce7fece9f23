import { Inject, Injectable } from '@nestjs/common';
import { isForeignKeyViolation, TENANT_PRISMA, TenantPrismaClient } from '@app/database';
import type { TaskModel } from '@app/database';
import { ConflictError, NotFoundError } from '@app/errors';

const ARCHIVED = 'The project is archived; unarchive it to change its tasks';
import { keyset, PageRequest } from '@app/pagination';

export type TaskRecord = TaskModel;

export interface TaskChanges {
  title?: string;
  done?: boolean;
}

/** Which task: its id and the project it must belong to (a task under another project is not found). */
export interface TaskKey {
  projectId: string;
  taskId: string;
}

/**
 * Tasks of the tenant in context. No method takes a tenant id: the tenant-scoped client and RLS
 * decide which rows exist, and the composite foreign key decides which projects do.
 */
@Injectable()
export class TasksRepository {
  constructor(@Inject(TENANT_PRISMA) private readonly db: TenantPrismaClient) {}

  async create(projectId: string, title: string): Promise<TaskRecord> {
    try {
      // tenant_id comes from the column default, so the key (tenant_id, project_id) can only
      // match a project of this tenant: another tenant's project id fails like a missing one.
      return await this.db.task.create({ data: { projectId, title } });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new NotFoundError('Project');
      throw err;
    }
  }

  // Every method awaits its query here: a Prisma query runs only when awaited, and must run
  // inside the caller's tenant context, not wherever the promise happens to be awaited.
  async findPage(projectId: string, { take, after }: PageRequest): Promise<TaskRecord[]> {
    await this.assertProjectExists(projectId);
    const page = keyset('asc', after);
    return await this.db.task.findMany({ where: { projectId, ...page.where }, orderBy: page.orderBy, take });
  }

  async find({ projectId, taskId }: TaskKey): Promise<TaskRecord> {
    const task = await this.db.task.findFirst({ where: { id: taskId, projectId } });
    if (!task) throw new NotFoundError('Task');
    return task;
  }

  async update({ projectId, taskId }: TaskKey, changes: TaskChanges): Promise<TaskRecord> {
    const [task] = await this.db.task.updateManyAndReturn({
      where: { id: taskId, projectId },
      data: changes,
    });
    if (!task) throw new NotFoundError('Task');
    return task;
  }

  async delete({ projectId, taskId }: TaskKey): Promise<void> {
    const { count } = await this.db.task.deleteMany({ where: { id: taskId, projectId } });
    if (count === 0) throw new NotFoundError('Task');
  }

  /**
   * A task of an archived project cannot be added or changed (409): the project is read-only. A
   * project that is not there is left to the write itself, so that every route answers a missing
   * (or another tenant's) task or project as it always has.
   */
  async assertProjectWritable(id: string): Promise<void> {
    const project = await this.db.project.findFirst({ where: { id }, select: { status: true } });
    if (project?.status === 'archived') throw new ConflictError(ARCHIVED);
  }

  /** An empty list and a project that is not there (or another tenant's) must not look alike. */
  private async assertProjectExists(id: string): Promise<void> {
    const project = await this.db.project.findFirst({ where: { id }, select: { id: true } });
    if (!project) throw new NotFoundError('Project');
  }
}

import { Injectable } from '@nestjs/common';
import { pageRequest, toPage } from '@app/pagination';
import type {
  CreateTaskPayload,
  ListTasksPayload,
  TaskPage,
  TaskPath,
  TaskView,
  UpdateTaskPayload,
} from './tasks.contract';
import { TaskRecord, TasksRepository } from './tasks.repository';

function toView(task: TaskRecord): TaskView {
  return {
    id: task.id,
    projectId: task.projectId,
    tenantId: task.tenantId,
    title: task.title,
    done: task.done,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

/** Task use cases, run inside the caller's tenant transaction. */
@Injectable()
export class TasksService {
  constructor(private readonly tasks: TasksRepository) {}

  async create({ projectId, title }: CreateTaskPayload): Promise<TaskView> {
    await this.tasks.assertProjectWritable(projectId);
    return toView(await this.tasks.create(projectId, title));
  }

  async list({ projectId, ...query }: ListTasksPayload): Promise<TaskPage> {
    return toPage(await this.tasks.findPage(projectId, pageRequest(query)), query, toView);
  }

  async get(path: TaskPath): Promise<TaskView> {
    return toView(await this.tasks.find(path));
  }

  async update({ projectId, taskId, title, done }: UpdateTaskPayload): Promise<TaskView> {
    await this.tasks.assertProjectWritable(projectId);
    return toView(await this.tasks.update({ projectId, taskId }, { title, done }));
  }

  async delete(path: TaskPath): Promise<void> {
    await this.tasks.assertProjectWritable(path.projectId);
    return this.tasks.delete(path);
  }
}

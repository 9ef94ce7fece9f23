import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Command } from '@app/message-pipeline';
import {
  CreateTaskPayload,
  ListTasksPayload,
  TaskPage,
  TaskPath,
  TaskPattern,
  TaskView,
  UpdateTaskPayload,
} from './tasks.contract';
import { TasksService } from './tasks.service';

/** Worker side: messages to use cases. Validation, tenancy and settlement are the pipeline's job. */
@Controller()
export class TasksMessageController {
  constructor(private readonly tasks: TasksService) {}

  @Command(TaskPattern.Create, CreateTaskPayload)
  create(@Payload() input: CreateTaskPayload): Promise<TaskView> {
    return this.tasks.create(input);
  }

  @Command(TaskPattern.List, ListTasksPayload, { readsOnly: true })
  list(@Payload() input: ListTasksPayload): Promise<TaskPage> {
    return this.tasks.list(input);
  }

  @Command(TaskPattern.Get, TaskPath, { readsOnly: true })
  get(@Payload() path: TaskPath): Promise<TaskView> {
    return this.tasks.get(path);
  }

  @Command(TaskPattern.Update, UpdateTaskPayload)
  update(@Payload() input: UpdateTaskPayload): Promise<TaskView> {
    return this.tasks.update(input);
  }

  @Command(TaskPattern.Delete, TaskPath)
  async delete(@Payload() path: TaskPath): Promise<{ deleted: true }> {
    await this.tasks.delete(path);
    return { deleted: true };
  }
}

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { CommandClient } from '@app/command-client';
import {
  CreateTaskInput,
  ListTasksInput,
  ProjectTasksPath,
  TaskPage,
  TaskPath,
  TaskPattern,
  TaskView,
  UpdateTaskInput,
} from './tasks.contract';

/** Gateway side: HTTP to commands; the tenant travels in CLS from the auth guard to the client, never via here. */
@Controller('projects/:projectId/tasks')
export class TasksHttpController {
  constructor(private readonly commands: CommandClient) {}

  @Post()
  create(@Param() { projectId }: ProjectTasksPath, @Body() input: CreateTaskInput): Promise<TaskView> {
    return this.commands.send(TaskPattern.Create, { ...input, projectId });
  }

  @Get()
  list(@Param() { projectId }: ProjectTasksPath, @Query() query: ListTasksInput): Promise<TaskPage> {
    return this.commands.send(TaskPattern.List, { ...query, projectId });
  }

  @Get(':taskId')
  get(@Param() path: TaskPath): Promise<TaskView> {
    return this.commands.send(TaskPattern.Get, { ...path });
  }

  @Patch(':taskId')
  update(@Param() path: TaskPath, @Body() input: UpdateTaskInput): Promise<TaskView> {
    return this.commands.send(TaskPattern.Update, { ...input, ...path });
  }

  @Delete(':taskId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param() path: TaskPath): Promise<void> {
    await this.commands.send(TaskPattern.Delete, { ...path });
  }
}

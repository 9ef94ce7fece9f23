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
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { ApiResource, ApiRoute } from '@app/api-docs';
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

const ARCHIVED = 'the project is archived';

/** Gateway side: HTTP to commands; the tenant travels in CLS from the auth guard to the client, never via here. */
@ApiResource('tasks')
@Controller('projects/:projectId/tasks')
export class TasksHttpController {
  constructor(private readonly commands: CommandClient) {}

  @Post()
  @ApiRoute({
    summary: 'Add a task to a project',
    write: true,
    body: true,
    notFound: 'Project',
    conflict: ARCHIVED,
  })
  @ApiCreatedResponse({ type: TaskView, description: 'The task' })
  create(@Param() { projectId }: ProjectTasksPath, @Body() input: CreateTaskInput): Promise<TaskView> {
    return this.commands.send(TaskPattern.Create, { ...input, projectId });
  }

  @Get()
  @ApiRoute({ summary: "List a project's tasks, oldest first", notFound: 'Project' })
  @ApiOkResponse({ type: TaskPage, description: 'A page of tasks' })
  list(@Param() { projectId }: ProjectTasksPath, @Query() query: ListTasksInput): Promise<TaskPage> {
    return this.commands.send(TaskPattern.List, { ...query, projectId });
  }

  @Get(':taskId')
  @ApiRoute({ summary: 'Get a task', notFound: 'Task' })
  @ApiOkResponse({ type: TaskView, description: 'The task' })
  get(@Param() path: TaskPath): Promise<TaskView> {
    return this.commands.send(TaskPattern.Get, { ...path });
  }

  @Patch(':taskId')
  @ApiRoute({ summary: 'Change a task', write: true, body: true, notFound: 'Task', conflict: ARCHIVED })
  @ApiOkResponse({ type: TaskView, description: 'The task as changed' })
  update(@Param() path: TaskPath, @Body() input: UpdateTaskInput): Promise<TaskView> {
    return this.commands.send(TaskPattern.Update, { ...input, ...path });
  }

  @Delete(':taskId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiRoute({ summary: 'Delete a task', write: true, notFound: 'Task', conflict: ARCHIVED })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@Param() path: TaskPath): Promise<void> {
    await this.commands.send(TaskPattern.Delete, { ...path });
  }
}

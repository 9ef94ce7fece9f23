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
  CreateProjectInput,
  ListProjectsInput,
  ProjectIdInput,
  ProjectPage,
  ProjectPattern,
  ProjectView,
  UpdateProjectInput,
} from './projects.contract';

const DUPLICATE = 'a project with this name exists in the tenant';

/** Gateway side: HTTP to commands; the tenant travels in CLS from the auth guard to the client, never via here. */
@ApiResource('projects')
@Controller('projects')
export class ProjectsHttpController {
  constructor(private readonly commands: CommandClient) {}

  @Post()
  @ApiRoute({ summary: 'Create a project', write: true, body: true, conflict: DUPLICATE })
  @ApiCreatedResponse({ type: ProjectView, description: 'The project' })
  create(@Body() input: CreateProjectInput): Promise<ProjectView> {
    return this.commands.send(ProjectPattern.Create, input);
  }

  @Get()
  @ApiRoute({ summary: "List the tenant's projects, newest first" })
  @ApiOkResponse({ type: ProjectPage, description: 'A page of projects' })
  list(@Query() query: ListProjectsInput): Promise<ProjectPage> {
    return this.commands.send(ProjectPattern.List, query);
  }

  @Get(':id')
  @ApiRoute({ summary: 'Get a project', notFound: 'Project' })
  @ApiOkResponse({ type: ProjectView, description: 'The project' })
  get(@Param() { id }: ProjectIdInput): Promise<ProjectView> {
    return this.commands.send(ProjectPattern.Get, { id });
  }

  @Patch(':id')
  @ApiRoute({
    summary: 'Change a project',
    write: true,
    body: true,
    notFound: 'Project',
    conflict: `${DUPLICATE}, or the project is archived`,
  })
  @ApiOkResponse({ type: ProjectView, description: 'The project as changed' })
  update(@Param() { id }: ProjectIdInput, @Body() input: UpdateProjectInput): Promise<ProjectView> {
    return this.commands.send(ProjectPattern.Update, { ...input, id });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiRoute({ summary: 'Delete a project and its tasks', write: true, notFound: 'Project' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@Param() { id }: ProjectIdInput): Promise<void> {
    await this.commands.send(ProjectPattern.Delete, { id });
  }
}

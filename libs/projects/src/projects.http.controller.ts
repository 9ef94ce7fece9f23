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
  CreateProjectInput,
  ListProjectsInput,
  ProjectIdInput,
  ProjectPage,
  ProjectPattern,
  ProjectView,
  UpdateProjectInput,
} from './projects.contract';

/** Gateway side: HTTP to commands; the tenant travels in CLS from the auth guard to the client, never via here. */
@Controller('projects')
export class ProjectsHttpController {
  constructor(private readonly commands: CommandClient) {}

  @Post()
  create(@Body() input: CreateProjectInput): Promise<ProjectView> {
    return this.commands.send(ProjectPattern.Create, input);
  }

  @Get()
  list(@Query() query: ListProjectsInput): Promise<ProjectPage> {
    return this.commands.send(ProjectPattern.List, query);
  }

  @Get(':id')
  get(@Param() { id }: ProjectIdInput): Promise<ProjectView> {
    return this.commands.send(ProjectPattern.Get, { id });
  }

  @Patch(':id')
  update(@Param() { id }: ProjectIdInput, @Body() input: UpdateProjectInput): Promise<ProjectView> {
    return this.commands.send(ProjectPattern.Update, { ...input, id });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param() { id }: ProjectIdInput): Promise<void> {
    await this.commands.send(ProjectPattern.Delete, { id });
  }
}

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
import {
  CreateProjectInput,
  ListProjectsInput,
  ProjectIdInput,
  ProjectPage,
  ProjectsClient,
  ProjectView,
  UpdateProjectInput,
} from '@app/messaging';

/** HTTP to messages; the tenant travels in CLS from the auth guard to the client, never via here. */
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsClient) {}

  @Post()
  create(@Body() input: CreateProjectInput): Promise<ProjectView> {
    return this.projects.create(input);
  }

  @Get()
  list(@Query() query: ListProjectsInput): Promise<ProjectPage> {
    return this.projects.list(query);
  }

  @Get(':id')
  get(@Param() { id }: ProjectIdInput): Promise<ProjectView> {
    return this.projects.get(id);
  }

  @Patch(':id')
  update(@Param() { id }: ProjectIdInput, @Body() input: UpdateProjectInput): Promise<ProjectView> {
    return this.projects.update(id, input);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(@Param() { id }: ProjectIdInput): Promise<void> {
    return this.projects.delete(id);
  }
}

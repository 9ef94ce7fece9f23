import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse } from '@nestjs/swagger';
import { ApiResource, ApiRoute } from '@app/api-docs';
import { CommandClient } from '@app/command-client';
import { JobIdInput, JobPage, JobPattern, JobView, ListJobsInput } from './jobs.contract';

/** Gateway side: HTTP to commands. */
@ApiResource('jobs')
@Controller('jobs')
export class JobsHttpController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  @ApiRoute({ summary: "List the tenant's jobs, newest first" })
  @ApiOkResponse({ type: JobPage, description: 'A page of jobs' })
  list(@Query() query: ListJobsInput): Promise<JobPage> {
    return this.commands.send(JobPattern.List, query);
  }

  @Get(':id')
  @ApiRoute({ summary: 'Get a job: its status, progress and result', notFound: 'Job' })
  @ApiOkResponse({ type: JobView, description: 'The job' })
  get(@Param() { id }: JobIdInput): Promise<JobView> {
    return this.commands.send(JobPattern.Get, { id });
  }

  /** 202: a running job stops after the batch it is in; 409 when it has already finished. */
  @Delete(':id')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiRoute({
    summary: 'Cancel a job',
    write: true,
    notFound: 'Job',
    conflict: 'the job has already finished',
  })
  @ApiAcceptedResponse({
    type: JobView,
    description: 'Cancelled; a running job stops after its current batch',
  })
  cancel(@Param() { id }: JobIdInput): Promise<JobView> {
    return this.commands.send(JobPattern.Cancel, { id });
  }
}

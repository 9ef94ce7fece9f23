import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { CommandClient } from '@app/command-client';
import { JobIdInput, JobPage, JobPattern, JobView, ListJobsInput } from './jobs.contract';

/** Gateway side: HTTP to commands. */
@Controller('jobs')
export class JobsHttpController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  list(@Query() query: ListJobsInput): Promise<JobPage> {
    return this.commands.send(JobPattern.List, query);
  }

  @Get(':id')
  get(@Param() { id }: JobIdInput): Promise<JobView> {
    return this.commands.send(JobPattern.Get, { id });
  }

  /** 202: a running job stops after the batch it is in; 409 when it has already finished. */
  @Delete(':id')
  @HttpCode(HttpStatus.ACCEPTED)
  cancel(@Param() { id }: JobIdInput): Promise<JobView> {
    return this.commands.send(JobPattern.Cancel, { id });
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Command } from '@app/message-pipeline';
import { JobIdInput, JobPage, JobPattern, JobView, ListJobsInput } from './jobs.contract';
import { JobsService } from './jobs.service';

/** Worker side: messages to use cases. Validation, tenancy and settlement are the pipeline's job. */
@Controller()
export class JobsMessageController {
  constructor(private readonly jobs: JobsService) {}

  @Command(JobPattern.Get, JobIdInput, { readsOnly: true })
  get(@Payload() { id }: JobIdInput): Promise<JobView> {
    return this.jobs.get(id);
  }

  @Command(JobPattern.List, ListJobsInput, { readsOnly: true })
  list(@Payload() input: ListJobsInput): Promise<JobPage> {
    return this.jobs.list(input);
  }

  @Command(JobPattern.Cancel, JobIdInput)
  cancel(@Payload() { id }: JobIdInput): Promise<JobView> {
    return this.jobs.cancel(id);
  }
}

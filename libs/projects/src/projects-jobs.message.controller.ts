import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { JobAccepted } from '@app/jobs';
import { Command } from '@app/message-pipeline';
import {
  ArchiveBatchPayload,
  ArchivePayload,
  ImportBatchPayload,
  ProjectJobPattern,
  StartImportPayload,
} from './projects-jobs.contract';
import { ProjectsJobsService } from './projects-jobs.service';

/** Worker side: the commands that start project jobs, and the jobs' batches. */
@Controller()
export class ProjectsJobsMessageController {
  constructor(private readonly jobs: ProjectsJobsService) {}

  @Command(ProjectJobPattern.Import, StartImportPayload)
  startImport(@Payload() { items }: StartImportPayload): Promise<JobAccepted> {
    return this.jobs.startImport(items);
  }

  @Command(ProjectJobPattern.ImportBatch, ImportBatchPayload, { job: true })
  async importBatch(@Payload() batch: ImportBatchPayload): Promise<{ done: true }> {
    await this.jobs.importBatch(batch);
    return { done: true };
  }

  @Command(ProjectJobPattern.Archive, ArchivePayload)
  startArchive(@Payload() input: ArchivePayload): Promise<JobAccepted> {
    return this.jobs.startArchive(input);
  }

  @Command(ProjectJobPattern.ArchiveBatch, ArchiveBatchPayload, { job: true })
  async archiveBatch(@Payload() batch: ArchiveBatchPayload): Promise<{ done: true }> {
    await this.jobs.archiveBatch(batch);
    return { done: true };
  }
}

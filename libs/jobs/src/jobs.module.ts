import { DynamicModule, Module } from '@nestjs/common';
import { JOB_FAILURES } from '@app/message-pipeline';
import { ResourceModule } from '@app/resource';
import { JobsHttpController } from './jobs.http.controller';
import { JobsMessageController } from './jobs.message.controller';
import { JobsMetrics } from './jobs.metrics';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

const Base = ResourceModule({
  http: [JobsHttpController],
  message: [JobsMessageController],
  providers: [JobsService, JobsMetrics, JobsRepository, { provide: JOB_FAILURES, useExisting: JobsService }],
});

@Module({})
export class JobsModule extends Base {
  /** Global in the worker: other resources start jobs through JobsService, and the pipeline fails them. */
  static override forWorker(): DynamicModule {
    return { ...super.forWorker(), global: true };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { ResourceModule } from '@app/resource';
import { JobsHttpController } from './jobs.http.controller';

const Base = ResourceModule({
  http: [JobsHttpController],
  worker: async () => (await import('./jobs.worker.js')).jobsWorker,
});

@Module({})
export class JobsModule extends Base {
  /** Global in the worker: other resources start jobs through JobsService, and the pipeline fails them. */
  static override async forWorker(): Promise<DynamicModule> {
    return { ...(await super.forWorker()), global: true };
  }
}

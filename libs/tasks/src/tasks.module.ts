import { Module } from '@nestjs/common';
import { ResourceModule } from '@app/resource';
import { TasksHttpController } from './tasks.http.controller';

@Module({})
export class TasksModule extends ResourceModule({
  http: [TasksHttpController],
  worker: async () => (await import('./tasks.worker.js')).tasksWorker,
}) {}

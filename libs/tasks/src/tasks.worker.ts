import type { WorkerParts } from '@app/resource';
import { TasksMessageController } from './tasks.message.controller';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

/** The worker's side of tasks (see ResourceParts.worker). */
export const tasksWorker: WorkerParts = {
  message: [TasksMessageController],
  providers: [TasksService, TasksRepository],
};

import { Module } from '@nestjs/common';
import { ResourceModule } from '@app/resource';
import { TasksHttpController } from './tasks.http.controller';
import { TasksMessageController } from './tasks.message.controller';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

@Module({})
export class TasksModule extends ResourceModule({
  http: [TasksHttpController],
  message: [TasksMessageController],
  providers: [TasksService, TasksRepository],
}) {}

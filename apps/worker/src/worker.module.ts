import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClsModule } from 'nestjs-cls';
import { appConfigModule, workerEnvSchema } from '@app/config';
import { DatabaseModule, transactionalClsPlugin } from '@app/database';
import { MessagePipelineModule } from '@app/message-pipeline';
import { JobsModule } from '@app/jobs';
import { ProjectsModule } from '@app/projects';
import { TasksModule } from '@app/tasks';
import { TenancyModule } from '@app/tenancy';
import { TracingModule } from '@app/tracing';
import { databaseOptionsFrom, messagePipelineOptionsFrom } from './worker.options';

@Module({
  imports: [
    appConfigModule(workerEnvSchema),
    DatabaseModule.forRootAsync({ inject: [ConfigService], useFactory: databaseOptionsFrom }),
    ClsModule.forRoot({ global: true, plugins: [transactionalClsPlugin()] }),
    TenancyModule,
    TracingModule,
    MessagePipelineModule.forRootAsync({ inject: [ConfigService], useFactory: messagePipelineOptionsFrom }),
    // Resources: one line each.
    JobsModule.forWorker(),
    ProjectsModule.forWorker(),
    TasksModule.forWorker(),
  ],
})
export class WorkerModule {}

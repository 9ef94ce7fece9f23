import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { ClsModule } from 'nestjs-cls';
import { appConfigModule, workerEnvSchema } from '@app/config';
import { DatabaseModule, transactionalClsPlugin } from '@app/database';
import { MessagePipelineModule } from '@app/message-pipeline';
import { MetricsModule } from '@app/metrics';
import { JobsModule } from '@app/jobs';
import { LoggingModule } from '@app/logging';
import { ProjectsModule } from '@app/projects';
import { RateLimitModule } from '@app/rate-limits';
import { TasksModule } from '@app/tasks';
import { TenancyModule } from '@app/tenancy';
import { TracingModule } from '@app/tracing';
import { QueueMetrics } from './queue.metrics';
import { WorkerHttpListener } from './worker-http.listener';
import { WorkerHealth } from './worker.health';
import {
  databaseOptionsFrom,
  loggingOptionsFrom,
  messagePipelineOptionsFrom,
  metricsOptionsFrom,
} from './worker.options';

@Module({
  imports: [
    appConfigModule(workerEnvSchema),
    MetricsModule.forRootAsync({ inject: [ConfigService], useFactory: metricsOptionsFrom }),
    TerminusModule,
    LoggingModule.forRootAsync({ inject: [ConfigService], useFactory: loggingOptionsFrom }),
    DatabaseModule.forRootAsync({ inject: [ConfigService], useFactory: databaseOptionsFrom }),
    ClsModule.forRoot({ global: true, plugins: [transactionalClsPlugin()] }),
    TenancyModule,
    TracingModule,
    MessagePipelineModule.forRootAsync({ inject: [ConfigService], useFactory: messagePipelineOptionsFrom }),
    // Resources: one line each.
    JobsModule.forWorker(),
    ProjectsModule.forWorker(),
    TasksModule.forWorker(),
    // Tells gateways each tenant's own request budget.
    RateLimitModule.forWorker(),
  ],
  providers: [WorkerHealth, WorkerHttpListener, QueueMetrics],
})
export class WorkerModule {}

import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { appConfigModule, workerEnvSchema } from '@app/config';
import { DatabaseModule, transactionalClsPlugin } from '@app/database';
import { ProjectsModule } from '@app/projects';
import { TenancyModule } from '@app/tenancy';
import { MessageContextInterceptor } from './message-context.interceptor';
import { messageSecurityProviders } from './message-security.providers';
import { messageValidationPipe } from './message-validation.pipe';
import { ProjectsController } from './projects.controller';

@Module({
  imports: [
    appConfigModule(workerEnvSchema),
    ClsModule.forRoot({ global: true, plugins: [transactionalClsPlugin()] }),
    TenancyModule,
    DatabaseModule,
    ProjectsModule,
  ],
  controllers: [ProjectsController],
  providers: [
    ...messageSecurityProviders,
    { provide: APP_INTERCEPTOR, useClass: MessageContextInterceptor },
    { provide: APP_PIPE, useFactory: messageValidationPipe },
  ],
})
export class WorkerModule {}

import { Module, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { randomUUID } from 'node:crypto';
import { ClsModule } from 'nestjs-cls';
import { AuthModule } from '@app/auth';
import { CommandClientModule } from '@app/command-client';
import { appConfigModule, gatewayEnvSchema } from '@app/config';
import { JobsModule } from '@app/jobs';
import { ProjectsModule } from '@app/projects';
import { TasksModule } from '@app/tasks';
import { TenancyModule } from '@app/tenancy';
import { TracingModule } from '@app/tracing';
import { InputShapePipe } from '@app/validation';
import { BrokerHealthIndicator } from './broker.health';
import { DomainErrorFilter } from './domain-error.filter';
import { authOptionsFrom, commandClientOptionsFrom } from './gateway.options';
import { HealthController } from './health.controller';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function correlationId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-correlation-id'];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
}

@Module({
  imports: [
    appConfigModule(gatewayEnvSchema),
    ClsModule.forRoot({
      global: true,
      middleware: { mount: true, generateId: true, idGenerator: correlationId },
    }),
    TenancyModule,
    TracingModule,
    AuthModule.forRootAsync({ inject: [ConfigService], useFactory: authOptionsFrom }),
    CommandClientModule.forRootAsync({ inject: [ConfigService], useFactory: commandClientOptionsFrom }),
    TerminusModule,
    // Resources: one line each.
    JobsModule.forGateway(),
    ProjectsModule.forGateway(),
    TasksModule.forGateway(),
  ],
  controllers: [HealthController],
  providers: [
    BrokerHealthIndicator,
    { provide: APP_FILTER, useClass: DomainErrorFilter },
    // Global pipes run in this order, and before a route's own (ImportBodyPipe): the shape check
    // must see the input before anything recurses into it or strips keys from it.
    { provide: APP_PIPE, useClass: InputShapePipe },
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
    },
  ],
})
export class GatewayModule {}

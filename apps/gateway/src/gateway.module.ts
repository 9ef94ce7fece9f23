import { Module, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ClsModule } from 'nestjs-cls';
import { AuthModule } from '@app/auth';
import { CommandClientModule } from '@app/command-client';
import { appConfigModule, gatewayEnvSchema } from '@app/config';
import { JobsModule } from '@app/jobs';
import { HttpMetrics, MetricsModule } from '@app/metrics';
import { LoggingModule } from '@app/logging';
import { ProjectsModule } from '@app/projects';
import { RateLimitModule } from '@app/rate-limits';
import { TasksModule } from '@app/tasks';
import { TenancyModule } from '@app/tenancy';
import { TracingModule } from '@app/tracing';
import { InputShapePipe } from '@app/validation';
import { BrokerHealthIndicator } from './broker.health';
import { DomainErrorFilter } from './domain-error.filter';
import {
  authOptionsFrom,
  commandClientOptionsFrom,
  loggingOptionsFrom,
  metricsOptionsFrom,
  rateLimitOptionsFrom,
} from './gateway.options';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsListener } from './metrics.listener';
import { WorkersHealthIndicator } from './workers.health';

@Module({
  imports: [
    appConfigModule(gatewayEnvSchema),
    ClsModule.forRoot({
      global: true,
      // The correlation id Fastify gave the request (createGateway: genReqId).
      middleware: { mount: true, generateId: true, idGenerator: (req: { id: string }) => req.id },
    }),
    LoggingModule.forRootAsync({ inject: [ConfigService], useFactory: loggingOptionsFrom }),
    TenancyModule,
    TracingModule,
    AuthModule.forRootAsync({ inject: [ConfigService], useFactory: authOptionsFrom }),
    // After AuthModule: its guard needs the tenant the token named.
    RateLimitModule.forRootAsync({ inject: [ConfigService], useFactory: rateLimitOptionsFrom }),
    CommandClientModule.forRootAsync({ inject: [ConfigService], useFactory: commandClientOptionsFrom }),
    TerminusModule,
    MetricsModule.forRootAsync({ inject: [ConfigService], useFactory: metricsOptionsFrom }),
    // Resources: one line each.
    JobsModule.forGateway(),
    ProjectsModule.forGateway(),
    TasksModule.forGateway(),
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    BrokerHealthIndicator,
    WorkersHealthIndicator,
    HttpMetrics,
    MetricsListener,
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

import type { DynamicModule, FactoryProvider } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams, LoggingOptions } from './logger-params';

/**
 * nestjs-pino for an app: a JSON (or readable) line per log call, a line per HTTP request, each
 * with the tenant, user and correlation id of its context. The app then calls
 * `app.useLogger(app.get(AppLogger))`, and every `new Logger(…)` writes here.
 */
export class LoggingModule {
  static forRootAsync(
    options: Pick<FactoryProvider<LoggingOptions>, 'inject' | 'useFactory'>,
  ): DynamicModule {
    return LoggerModule.forRootAsync({
      inject: options.inject,
      useFactory: async (...args: unknown[]) => loggerParams(await options.useFactory(...args)),
    });
  }
}

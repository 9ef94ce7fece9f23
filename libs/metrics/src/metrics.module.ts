import { ConfigurableModuleBuilder, Global, Module } from '@nestjs/common';
import { Metrics, MetricsOptions } from './metrics';

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<MetricsOptions>()
  .setClassMethodName('forRoot')
  .build();

/**
 * The app's Metrics, global: `MetricsModule.forRootAsync({ inject, useFactory })` once in a root
 * module, then any lib's provider injects Metrics and defines its own.
 */
@Global()
@Module({
  providers: [
    { provide: Metrics, inject: [MODULE_OPTIONS_TOKEN], useFactory: (options: MetricsOptions) => new Metrics(options) },
  ],
  exports: [Metrics],
})
export class MetricsModule extends ConfigurableModuleClass {}

export * from './env.schema';
export * from './parse-env';
export * from './config.module';
export * from './queue-settings';

export * from './env.schema';
export { DEV_JWT_SECRET, DEV_MESSAGE_SIGNING_KEY, developmentKeysWarning, isDeployed } from './secrets';
export * from './parse-env';
export * from './config.module';
export * from './queue-settings';
export * from './tracing-env';

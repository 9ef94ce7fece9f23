export { isPrintable, printable } from './printable';
export { escapeStack } from './escape-stack';
export { CORRELATION_ID_HEADER, correlationIdOf, isSaneCorrelationId } from './correlation-id';
export { logFields, noteRequest } from './log-context';
export type { RequestNote } from './log-context';
export { LoggingModule } from './logging.module';
export type { LoggingOptions } from './logger-params';
// nestjs-pino's Nest logger service, for `app.useLogger(app.get(AppLogger))`.
export { Logger as AppLogger } from 'nestjs-pino';

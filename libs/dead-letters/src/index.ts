// The operator's tools for the dead-letter queue: list, replay (re-signed, verified first), purge.
export { runDlq } from './run-dlq';
export { DLQ_USAGE, UsageError } from './dlq-arguments';
export { DeadLetterQueueError } from './dead-letter-queue';

// The message contract both sides share (headers, error replies) and the queue topology.
export { header, MessageHeader, textHeader } from './headers';
export {
  DeadlinePassedError,
  RefusedForNowError,
  RejectedMessageError,
  StaleSignatureError,
} from './rejected-message.error';
export { isRpcErrorBody, toDomainError } from './rpc-error';
export type { RpcErrorBody } from './rpc-error';
export {
  consumedQueues,
  jobQueueFor,
  jobQueueNames,
  MAX_RETRY_RUNGS,
  queueNames,
  retryLadderOf,
  retryQueueName,
} from './topology/queues';
export { AMQP_SOCKET_OPTIONS, commandClientOptions, commandServerOptions } from './topology/rmq-options';
export type { CommandClientRmqOptions } from './topology/rmq-options';
export { SizeBoundedClientRMQ } from './topology/size-bounded-client';
export type { SizeBoundedClientOptions } from './topology/size-bounded-client';
export { declareDeadLetterQueue, declareWorkerQueues } from './topology/declare-queues';
export type { BrokerOptions } from './topology/declare-queues';
export { DEFAULT_QUEUE_SETTINGS } from './topology/queue-arguments';
export type { QueueSettings } from './topology/queue-arguments';
export { deleteQueues } from './topology/delete-queues';
export { QueueProbe } from './topology/queue-probe';
export type { QueueCounts } from './topology/queue-probe';
export { derivedUuid } from './derived-uuid';

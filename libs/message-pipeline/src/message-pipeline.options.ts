import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { JobPacingOptions } from './job-pacing';

export interface MessagePipelineOptions {
  /** Prefix of the queue names; refused messages go to its dead-letter queue. */
  queuePrefix: string;
  /** Keys a command's signature may verify with: the current one, then a previous one. */
  signingSecrets: string[];
  /** Signed commands older than this are refused. */
  maxAgeMs: number;
  /** Signatures dated further ahead of the worker's clock than this are refused (clock skew). */
  maxClockSkewMs: number;
  /** Also verify signatures in the v1 format, for messages queued before the upgrade. */
  acceptSignatureV1: boolean;
  /** Tries of a message that fails for a transient database error, the first included. */
  retryAttempts: number;
  /** Delay before the first retry; each next one doubles, with jitter. */
  retryBaseDelayMs: number;
  /** The broker, for the messages a worker publishes itself (a job's batches). */
  amqpUrl: string;
  /** A job's batches older than this are refused (they may wait in the jobs queue far longer than a command). */
  jobMaxAgeMs: number;
  /** Items a job commits per transaction. */
  jobBatchSize: number;
  /** Jobs queues a tenant's batches are spread over (JOB_QUEUE_SHARDS; see jobQueueFor). */
  jobShards: number;
  /** How job batches give way to interactive messages (see JobPacing). */
  jobPacing: JobPacingOptions;
}

export const {
  ConfigurableModuleClass: MessagePipelineModuleBase,
  MODULE_OPTIONS_TOKEN: MESSAGE_PIPELINE_OPTIONS,
} = new ConfigurableModuleBuilder<MessagePipelineOptions>()
  .setClassMethodName('forRoot')
  // Global: resources' services publish their jobs' batches through its JobQueue.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** Name of the queue the worker copies refused messages to, with the reason. */
export const DEAD_LETTER_QUEUE = Symbol('DEAD_LETTER_QUEUE');

import type { Options } from 'amqplib';
import { queueNames } from './queues';

/** How the queues are declared: the same on every side, or RabbitMQ refuses the second declaration. */
export interface QueueSettings {
  /** `classic`, or `quorum` for a replicated queue on a RabbitMQ cluster. */
  type: 'classic' | 'quorum';
  /** Quorum only: deliveries of one message before RabbitMQ dead-letters it (a second poison guard). */
  deliveryLimit: number;
  /** Dead letters kept at most; past it the oldest are dropped. */
  deadLetterMaxLength: number;
  /** Bytes of dead letters kept at most; past it the oldest are dropped. */
  deadLetterMaxBytes: number;
  /** How long a dead letter is kept. */
  deadLetterTtlMs: number;
  /** Messages the command and jobs queues and each retry queue hold at most; past it, publishes are refused. */
  maxLength: number;
  /** Bytes those queues hold at most; past it, publishes are refused. */
  maxBytes: number;
  /**
   * Largest message body the workers parse (bytes): not a queue argument, but a bound both sides
   * must agree on, like the others. The gateway refuses to send a larger command.
   */
  maxMessageBytes: number;
  /** Jobs queues a tenant's batches are spread over by tenant (jobQueueFor): JOB_QUEUE_SHARDS. */
  jobShards: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  type: 'classic',
  deliveryLimit: 20,
  deadLetterMaxLength: 100_000,
  deadLetterMaxBytes: 1024 * MiB,
  deadLetterTtlMs: 14 * 24 * 3_600_000,
  maxLength: 100_000,
  maxBytes: 256 * MiB,
  maxMessageBytes: 33 * MiB,
  jobShards: 4,
};

// Classic is RabbitMQ's default: left undeclared, so queues declared before the setting existed still match.
function queueType(settings: QueueSettings): Record<string, unknown> {
  return settings.type === 'classic' ? {} : { 'x-queue-type': settings.type };
}

/**
 * A queue that dead-letters to `target`, bounded so that a flood of publishes cannot fill the
 * broker's disk. When full it refuses publishes (reject-publish): a publisher with confirms is told
 * (the gateway answers 503, a worker's retry becomes a dead letter), rather than the oldest command
 * being dropped unseen. Quorum queues dead-letter at most once by default (a copy can be dropped if
 * the target is unavailable); at-least-once needs reject-publish too.
 */
function deadLettersTo(target: string, settings: QueueSettings): Record<string, unknown> {
  const args: Record<string, unknown> = {
    ...queueType(settings),
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': target,
    'x-max-length': settings.maxLength,
    'x-max-length-bytes': settings.maxBytes,
    'x-overflow': 'reject-publish',
  };
  if (settings.type === 'quorum') args['x-dead-letter-strategy'] = 'at-least-once';
  return args;
}

/** The command queue: rejected and expired messages, and with quorum over-delivered ones, go to the DLQ. */
export function commandQueueOptions(prefix: string, settings: QueueSettings): Options.AssertQueue {
  const args = deadLettersTo(queueNames(prefix).deadLetter, settings);
  if (settings.type === 'quorum') args['x-delivery-limit'] = settings.deliveryLimit;
  return { durable: true, arguments: args };
}

/**
 * The dead-letter queue: bounded in length, bytes and age. When full it drops the oldest
 * (drop-head): what RabbitMQ and the workers dead-letter must never be refused.
 */
export function deadLetterQueueOptions(settings: QueueSettings): Options.AssertQueue {
  return {
    durable: true,
    arguments: {
      ...queueType(settings),
      'x-max-length': settings.deadLetterMaxLength,
      'x-max-length-bytes': settings.deadLetterMaxBytes,
      'x-overflow': 'drop-head',
      'x-message-ttl': settings.deadLetterTtlMs,
    },
  };
}

/** The jobs queue: like the command queue, its failures go to the one dead-letter queue. */
export const jobQueueOptions = commandQueueOptions;

/** A retry rung of `queue`: each message waits out its own expiration, then goes back to `queue`. */
export function retryQueueOptions(queue: string, settings: QueueSettings): Options.AssertQueue {
  return { durable: true, arguments: deadLettersTo(queue, settings) };
}

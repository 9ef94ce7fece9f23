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
  /** How long a dead letter is kept. */
  deadLetterTtlMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  type: 'classic',
  deliveryLimit: 20,
  deadLetterMaxLength: 100_000,
  deadLetterTtlMs: 14 * 24 * 3_600_000,
};

// Classic is RabbitMQ's default: left undeclared, so queues declared before the setting existed still match.
function queueType(settings: QueueSettings): Record<string, unknown> {
  return settings.type === 'classic' ? {} : { 'x-queue-type': settings.type };
}

/**
 * A queue that dead-letters to `target`. Quorum queues dead-letter at most once by default (a copy
 * can be dropped if the target is unavailable); at-least-once needs reject-publish overflow.
 */
function deadLettersTo(target: string, settings: QueueSettings): Record<string, unknown> {
  const args: Record<string, unknown> = {
    ...queueType(settings),
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': target,
  };
  if (settings.type === 'quorum') {
    args['x-dead-letter-strategy'] = 'at-least-once';
    args['x-overflow'] = 'reject-publish';
  }
  return args;
}

/** The command queue: rejected and expired messages, and with quorum over-delivered ones, go to the DLQ. */
export function commandQueueOptions(prefix: string, settings: QueueSettings): Options.AssertQueue {
  const args = deadLettersTo(queueNames(prefix).deadLetter, settings);
  if (settings.type === 'quorum') args['x-delivery-limit'] = settings.deliveryLimit;
  return { durable: true, arguments: args };
}

/** The dead-letter queue: bounded in length (the oldest dropped first) and in age. */
export function deadLetterQueueOptions(settings: QueueSettings): Options.AssertQueue {
  return {
    durable: true,
    arguments: {
      ...queueType(settings),
      'x-max-length': settings.deadLetterMaxLength,
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

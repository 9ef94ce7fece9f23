/** How many delay queues the retry ladder has at most: a message is tried at most this + 1 times. */
export const MAX_RETRY_RUNGS = 8;

/**
 * Every queue this system declares, named from QUEUE_PREFIX so runs and instances never share one.
 * One command queue serves every resource: a message's pattern, not its queue, picks the handler.
 */
export function queueNames(prefix: string) {
  return {
    commands: `${prefix}commands`,
    deadLetter: `${prefix}commands.dlq`,
  } as const;
}

/**
 * The delay queue a message waits in before its attempt `rung + 1`. One queue per rung, not one for
 * all: RabbitMQ expires messages only at a queue's head, so a short delay would wait behind a long one.
 */
export function retryQueueName(prefix: string, rung: number): string {
  return `${prefix}commands.retry.${rung}`;
}

/** Every name above, for deleting a prefix's queues. */
export function allQueueNames(prefix: string): string[] {
  const retries = Array.from({ length: MAX_RETRY_RUNGS }, (_, i) => retryQueueName(prefix, i + 1));
  return [...Object.values(queueNames(prefix)), ...retries];
}

/** How many delay queues a retry ladder has at most: a message is tried at most this + 1 times. */
export const MAX_RETRY_RUNGS = 8;

/**
 * Every queue this system declares, named from QUEUE_PREFIX so runs and instances never share one.
 * One command queue serves every resource (a message's pattern, not its queue, picks the handler);
 * background jobs' batches have a queue of their own, so they never hold up interactive commands.
 */
export function queueNames(prefix: string) {
  return {
    commands: `${prefix}commands`,
    jobs: `${prefix}jobs`,
    deadLetter: `${prefix}commands.dlq`,
  } as const;
}

/** The queues a worker consumes, each with a retry ladder of its own. */
export function consumedQueues(prefix: string): string[] {
  const { commands, jobs } = queueNames(prefix);
  return [commands, jobs];
}

/**
 * The delay queue a message of `queue` waits in before its attempt `rung + 1`. One queue per rung,
 * not one for all: RabbitMQ expires messages only at a queue's head, so a short delay would wait
 * behind a long one. One ladder per consumed queue, because each rung sends its messages back to one.
 */
export function retryQueueName(queue: string, rung: number): string {
  return `${queue}.retry.${rung}`;
}

/** Every name above, for deleting a prefix's queues. */
export function allQueueNames(prefix: string): string[] {
  const retries = consumedQueues(prefix).flatMap((queue) =>
    Array.from({ length: MAX_RETRY_RUNGS }, (_, i) => retryQueueName(queue, i + 1)),
  );
  return [...Object.values(queueNames(prefix)), ...retries];
}

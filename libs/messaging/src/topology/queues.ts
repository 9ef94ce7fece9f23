import { createHash } from 'node:crypto';

/** How many delay queues a retry ladder has at most: a message is tried at most this + 1 times. */
export const MAX_RETRY_RUNGS = 8;

/** JOB_QUEUE_SHARDS at most. */
export const MAX_JOB_SHARDS = 16;

/**
 * Every queue this system declares, named from QUEUE_PREFIX so runs and instances never share one.
 * One command queue serves every resource (a message's pattern, not its queue, picks the handler);
 * background jobs' batches have a queue of their own, so they never hold up interactive commands,
 * and so do the commands that start a job: they carry the job's items (10,000 of them, a few
 * hundred kB), and splitting those into batches held the command worker's event loop for tens of
 * milliseconds, while other tenants' creates waited. They are served by the workers that run jobs.
 */
export function queueNames(prefix: string) {
  return {
    commands: `${prefix}commands`,
    jobStarts: `${prefix}job-starts`,
    jobs: `${prefix}jobs`,
    deadLetter: `${prefix}commands.dlq`,
  } as const;
}

/**
 * The jobs queues: `<prefix>jobs`, then `<prefix>jobs.1` … A tenant's batches all go to one of them
 * (jobQueueFor), and the worker takes from each, so that another tenant's small job is not queued
 * behind a large one: batches of tenants on different queues interleave.
 */
export function jobQueueNames(prefix: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, i) => (i === 0 ? `${prefix}jobs` : `${prefix}jobs.${i}`));
}

/** The jobs queue of a tenant: the same for all its batches, spread evenly over the shards. */
export function jobQueueFor(prefix: string, shards: number, tenantId: string): string {
  const shard = createHash('sha256').update(tenantId).digest().readUInt32BE(0) % shards;
  return jobQueueNames(prefix, shards)[shard];
}

/**
 * The queue whose retry ladder a message from `queue` goes through: its own, except that every
 * jobs queue shares the first one's (a retried batch comes back on `<prefix>jobs`; retries are rare,
 * and one ladder per shard would be eight more queues each), and that a job's start shares the
 * commands' (it comes back on the command queue, whose workers serve it as well).
 */
export function retryLadderOf(prefix: string, queue: string): string {
  const { commands, jobs } = queueNames(prefix);
  if (queue === commands) return commands;
  return queue === jobs || queue.startsWith(`${jobs}.`) ? jobs : commands;
}

/** The queues with a retry ladder of their own: commands, and the first jobs queue (for every shard). */
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
  return [
    ...Object.values(queueNames(prefix)),
    ...jobQueueNames(prefix, MAX_JOB_SHARDS).slice(1),
    ...retries,
  ];
}

import { connect } from 'amqplib';
import type { Channel } from 'amqplib';
import {
  commandQueueOptions,
  deadLetterQueueOptions,
  jobQueueOptions,
  QueueSettings,
  retryQueueOptions,
} from './queue-arguments';
import { consumedQueues, jobQueueNames, MAX_RETRY_RUNGS, queueNames, retryQueueName } from './queues';

/** Where both sides meet: the broker, the prefix the queue names are built from, and how queues are declared. */
export interface BrokerOptions {
  url: string;
  queuePrefix: string;
  queues: QueueSettings;
}

/**
 * Every queue the worker needs: the command, job-start and jobs queues, the dead-letter queue (until
 * it exists RabbitMQ silently drops what it dead-letters) and their retry ladders. Run on every
 * (re)connect, so a queue deleted under a running worker comes back.
 */
export async function declareWorkerQueues(
  channel: Channel,
  { queuePrefix, queues }: Omit<BrokerOptions, 'url'>,
): Promise<void> {
  const names = queueNames(queuePrefix);
  await declare(channel, names.deadLetter, deadLetterQueueOptions(queues));
  await declare(channel, names.commands, commandQueueOptions(queuePrefix, queues));
  await declare(channel, names.jobStarts, commandQueueOptions(queuePrefix, queues));
  for (const jobs of jobQueueNames(queuePrefix, queues.jobShards)) {
    await declare(channel, jobs, jobQueueOptions(queuePrefix, queues));
  }
  for (const queue of consumedQueues(queuePrefix)) {
    for (let rung = 1; rung <= MAX_RETRY_RUNGS; rung++) {
      await declare(channel, retryQueueName(queue, rung), retryQueueOptions(queue, queues));
    }
  }
}

/** The gateway's part: the dead-letter queue, so that what expires before any worker ran is kept. */
export async function declareDeadLetterQueue(broker: BrokerOptions): Promise<void> {
  const connection = await connect(broker.url);
  try {
    const channel = await connection.createChannel();
    await declare(channel, queueNames(broker.queuePrefix).deadLetter, deadLetterQueueOptions(broker.queues));
    await channel.close();
  } finally {
    await connection.close();
  }
}

/** Says which queue and what to do when one exists with other arguments (a changed QUEUE_TYPE, say). */
async function declare(channel: Channel, name: string, options: Parameters<Channel['assertQueue']>[1]) {
  try {
    await channel.assertQueue(name, options);
  } catch (err) {
    if ((err as { code?: number }).code !== 406) throw err;
    throw new Error(
      `Queue ${name} exists with other arguments than ${JSON.stringify(options?.arguments)}: ` +
        'queue settings (QUEUE_TYPE, QUEUE_DELIVERY_LIMIT, QUEUE_MAX_*, DLQ_*) cannot change on a live queue; ' +
        'drain and delete it, or use a new QUEUE_PREFIX (README → Messages).',
      { cause: err },
    );
  }
}

import { connect } from 'amqplib';
import type { Channel } from 'amqplib';
import { MAX_RETRY_RUNGS, queueNames, retryQueueName } from './queues';

/**
 * Declares the dead-letter queue. Run by both apps at start-up: until it exists, RabbitMQ
 * silently drops what it dead-letters.
 */
export async function assertDeadLetterQueue(url: string, prefix: string): Promise<void> {
  await withChannel(url, async (channel) => {
    await channel.assertQueue(queueNames(prefix).deadLetter, { durable: true });
  });
}

/**
 * The worker's queues besides the command queue: the dead-letter queue, and the retry ladder,
 * whose messages go back to the command queue when their delay (their own expiration) runs out.
 */
export async function assertWorkerQueues(url: string, prefix: string): Promise<void> {
  await withChannel(url, async (channel) => {
    await channel.assertQueue(queueNames(prefix).deadLetter, { durable: true });
    for (let rung = 1; rung <= MAX_RETRY_RUNGS; rung++) {
      await channel.assertQueue(retryQueueName(prefix, rung), {
        durable: true,
        arguments: {
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queueNames(prefix).commands,
        },
      });
    }
  });
}

async function withChannel(url: string, work: (channel: Channel) => Promise<void>) {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    await work(channel);
    await channel.close();
  } finally {
    await connection.close();
  }
}

import { connect } from 'amqplib';
import { queueNames } from '@app/messaging';

/** Deletes this run's queues; a queue never declared is not an error. */
export async function deleteQueues(amqpUrl: string, prefix: string): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    for (const name of Object.values(queueNames(prefix))) {
      // A channel per queue: a broker that refuses to delete a missing queue closes the channel.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        await channel.deleteQueue(name);
        await channel.close();
      } catch {
        // Never declared in this run.
      }
    }
  } finally {
    await connection.close();
  }
}

/** Consumers on the projects queue: the worker is ready once it has one. */
export async function consumerCount(amqpUrl: string, prefix: string): Promise<number> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queueNames(prefix).projects)).consumerCount;
    } catch {
      return 0; // not declared yet
    }
  } finally {
    await connection.close();
  }
}

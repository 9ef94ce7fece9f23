import { connect } from 'amqplib';
import { allQueueNames } from './queues';

/**
 * Deletes every queue of a prefix (test runs, benchmarks); a queue never declared is not an error.
 * Imports nothing through @app/* so jest's globalSetup/teardown can load it by relative path.
 */
export async function deleteQueues(amqpUrl: string, prefix: string): Promise<void> {
  const connection = await connect(amqpUrl);
  try {
    for (const name of allQueueNames(prefix)) {
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

import { connect } from 'amqplib';
import { queueNames } from '../../libs/messaging/src/queues';
import { dropTestDatabase, readTestEnv } from './test-env';

/** Runs after every suite, passed or failed: removes this run's database and queues. */
export default async function globalTeardown(): Promise<void> {
  const env = readTestEnv();
  const [database, queues] = await Promise.allSettled([
    dropTestDatabase(env.database),
    deleteQueues(env.amqpUrl, Object.values(queueNames(env.queuePrefix))),
  ]);
  // A database suite needs no broker: a missing RabbitMQ is worth a warning, not a failed run.
  if (queues.status === 'rejected') {
    process.stderr.write(`Could not delete test queues ${env.queuePrefix}*: ${String(queues.reason)}\n`);
  }
  if (database.status === 'rejected') throw database.reason;
}

async function deleteQueues(url: string, names: string[]): Promise<void> {
  const connection = await connect(url);
  try {
    for (const name of names) {
      // A channel per queue: should a broker refuse to delete a missing queue, it closes the channel.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        await channel.deleteQueue(name);
        await channel.close();
      } catch {
        // Never declared in this run: nothing to delete.
      }
    }
  } finally {
    await connection.close();
  }
}

import { deleteQueues } from '../../libs/messaging/src/topology/delete-queues';
import { dropTestDatabase, readTestEnv } from './test-env';

/** Runs after every suite, passed or failed: removes this run's database and queues. */
export default async function globalTeardown(): Promise<void> {
  const env = readTestEnv();
  const [database, queues] = await Promise.allSettled([
    dropTestDatabase(env.database),
    deleteQueues(env.amqpUrl, env.queuePrefix),
  ]);
  // A database suite needs no broker: a missing RabbitMQ is worth a warning, not a failed run.
  if (queues.status === 'rejected') {
    process.stderr.write(`Could not delete test queues ${env.queuePrefix}*: ${String(queues.reason)}\n`);
  }
  if (database.status === 'rejected') throw database.reason;
}

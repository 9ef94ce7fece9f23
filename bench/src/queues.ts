import { connect } from 'amqplib';
import { queueNames } from '@app/messaging';

export { deleteQueues } from '@app/messaging';

/** Consumers on the command queue: the worker is ready once it has one. */
export async function consumerCount(amqpUrl: string, prefix: string): Promise<number> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queueNames(prefix).commands)).consumerCount;
    } catch {
      return 0; // not declared yet
    }
  } finally {
    await connection.close();
  }
}

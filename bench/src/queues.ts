import { connect } from 'amqplib';
import { queueNames } from '@app/messaging';

export { deleteQueues } from '@app/messaging';

/** Consumers on a queue (the command queue by default): a worker is ready once it has one. */
export async function consumerCount(
  amqpUrl: string,
  prefix: string,
  queue: string = queueNames(prefix).commands,
): Promise<number> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queue)).consumerCount;
    } catch {
      return 0; // not declared yet
    }
  } finally {
    await connection.close();
  }
}

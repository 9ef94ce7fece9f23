import { connect } from 'amqplib';
import { queueNames } from './queues';

/**
 * Declares the dead-letter queue. Run by both apps at start-up: until it exists, RabbitMQ
 * silently drops what it dead-letters.
 */
export async function assertDeadLetterQueue(url: string, prefix: string): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queueNames(prefix).deadLetter, { durable: true });
    await channel.close();
  } finally {
    await connection.close();
  }
}

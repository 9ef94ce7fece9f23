import { RmqOptions, Transport } from '@nestjs/microservices';
import { queueNames } from './queues';

/** Where both sides meet: the broker and the prefix the queue names are built from. */
export interface BrokerOptions {
  url: string;
  queuePrefix: string;
}

/**
 * Both sides assert the queue, and RabbitMQ refuses a second declaration with other arguments,
 * so the declaration lives here once. Rejected and expired messages go to the dead-letter queue.
 */
export function commandQueueOptions(prefix: string) {
  return {
    durable: true,
    arguments: {
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queueNames(prefix).deadLetter,
    },
  };
}

function commandQueue(broker: BrokerOptions) {
  return {
    urls: [broker.url],
    queue: queueNames(broker.queuePrefix).commands,
    queueOptions: commandQueueOptions(broker.queuePrefix),
  };
}

/** Worker side: manual acks (Nest defaults to auto-ack) and a bounded prefetch. */
export function commandServerOptions(
  broker: BrokerOptions & { prefetch: number },
): RmqOptions & { options: NonNullable<RmqOptions['options']> } {
  return {
    transport: Transport.RMQ,
    options: { ...commandQueue(broker), noAck: false, prefetchCount: broker.prefetch },
  };
}

/** Gateway side: persistent messages (Nest defaults to transient ones). */
export function commandClientOptions(broker: BrokerOptions): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: { ...commandQueue(broker), persistent: true },
  };
}

import { RmqOptions, Transport } from '@nestjs/microservices';
import type { BrokerOptions } from './declare-queues';
import { commandQueueOptions } from './queue-arguments';
import { queueNames } from './queues';

// Both sides assert the command queue, with the one declaration in queue-arguments.ts.
function commandQueue(broker: BrokerOptions) {
  return {
    urls: [broker.url],
    queue: queueNames(broker.queuePrefix).commands,
    queueOptions: commandQueueOptions(broker.queuePrefix, broker.queues),
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

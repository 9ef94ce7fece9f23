import { RmqOptions, Transport } from '@nestjs/microservices';
import type { BrokerOptions } from './declare-queues';
import { commandQueueOptions } from './queue-arguments';
import { queueNames } from './queues';
import type { SizeBoundedClientOptions } from './size-bounded-client';

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

/**
 * Gateway side, for a SizeBoundedClientRMQ: persistent messages (Nest defaults to transient ones),
 * none larger than the workers parse.
 */
export function commandClientOptions(broker: BrokerOptions): SizeBoundedClientOptions {
  return { ...commandQueue(broker), persistent: true, maxMessageBytes: broker.queues.maxMessageBytes };
}

import type { Type } from '@nestjs/common';
import { ClientProxy, CustomClientOptions, RmqOptions, Transport } from '@nestjs/microservices';
import type { BrokerOptions } from './declare-queues';
import { commandQueueOptions } from './queue-arguments';
import { queueNames } from './queues';
import { SizeBoundedClientOptions, SizeBoundedClientRMQ } from './size-bounded-client';

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
 * Gateway side: persistent messages (Nest defaults to transient ones), none larger than the workers
 * parse.
 */
export function commandClientOptions(broker: BrokerOptions): CustomClientOptions {
  const options: SizeBoundedClientOptions = {
    ...commandQueue(broker),
    persistent: true,
    maxMessageBytes: broker.queues.maxMessageBytes,
  };
  // Nest types ClientProxyFactory's customClass with a string status, which ClientRMQ narrows.
  return { customClass: SizeBoundedClientRMQ as unknown as Type<ClientProxy>, options };
}

import { RmqOptions, Transport } from '@nestjs/microservices';
import type { BrokerOptions } from './declare-queues';
import { commandQueueOptions } from './queue-arguments';
import { queueNames } from './queues';
import type { SizeBoundedClientOptions } from './size-bounded-client';

/**
 * For every AMQP connection: Nagle's algorithm off. amqplib leaves it on, and with delayed ACKs
 * a small frame (a command, a reply, an ack) can wait ~40 ms for a kernel timer.
 */
export const AMQP_SOCKET_OPTIONS = { noDelay: true };

// Both sides assert the command queue, with the one declaration in queue-arguments.ts.
function commandQueue(broker: BrokerOptions) {
  return {
    urls: [broker.url],
    socketOptions: { connectionOptions: AMQP_SOCKET_OPTIONS },
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

/** The gateway's options: Nest's own for the command queue, and the queue of job starts beside it. */
export type CommandClientRmqOptions = SizeBoundedClientOptions & {
  jobStarts: { queue: string; queueOptions: ReturnType<typeof commandQueueOptions> };
};

/**
 * Gateway side, for a SizeBoundedClientRMQ: persistent messages (Nest defaults to transient ones),
 * none larger than the workers parse. Job starts go to a queue of their own, declared alike.
 */
export function commandClientOptions(broker: BrokerOptions): CommandClientRmqOptions {
  return {
    ...commandQueue(broker),
    persistent: true,
    maxMessageBytes: broker.queues.maxMessageBytes,
    jobStarts: {
      queue: queueNames(broker.queuePrefix).jobStarts,
      queueOptions: commandQueueOptions(broker.queuePrefix, broker.queues),
    },
  };
}

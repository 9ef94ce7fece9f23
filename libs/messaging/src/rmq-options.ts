import { RmqOptions, Transport } from '@nestjs/microservices';
import { queueNames } from './queues';

export interface RmqSettings {
  url: string;
  queuePrefix: string;
}

/**
 * Both sides assert the queue, and RabbitMQ refuses a second declaration with other arguments,
 * so the declaration lives here once. Rejected and expired messages go to the dead-letter queue.
 */
export function projectsQueueOptions(prefix: string) {
  const names = queueNames(prefix);
  return {
    durable: true,
    arguments: {
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.projectsDeadLetter,
    },
  };
}

/** Where both sides meet: the broker, the projects queue and its one declaration. */
function projectsQueue(settings: RmqSettings) {
  return {
    urls: [settings.url],
    queue: queueNames(settings.queuePrefix).projects,
    queueOptions: projectsQueueOptions(settings.queuePrefix),
  };
}

/** Worker side: manual acks (Nest defaults to auto-ack) and a bounded prefetch. */
export function projectsServerOptions(settings: RmqSettings & { prefetch: number }): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: { ...projectsQueue(settings), noAck: false, prefetchCount: settings.prefetch },
  };
}

/** Gateway side: persistent messages (Nest defaults to transient ones). */
export function projectsClientOptions(settings: RmqSettings): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: { ...projectsQueue(settings), persistent: true },
  };
}

// The worker keeps consuming through what the broker does to it: a consumer the broker cancels (its
// queue deleted) and a channel the broker closes (a protocol error) both end with the worker
// subscribed again, on its own, and serving.
import type { INestMicroservice } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ProjectView } from '@app/projects';
import { useBroker } from '../support/broker';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

/** The worker's channel, reached through Nest's private field: the only way to break it from here. */
function workerChannel(worker: INestMicroservice): ChannelWrapper {
  const server = (worker as unknown as { serverInstance: { channel: ChannelWrapper } }).serverInstance;
  return server.channel;
}

describe('The worker recovering its consumer', () => {
  const stack = useStack();
  const broker = useBroker();

  async function createsProject(name: string): Promise<void> {
    const tenant = await TenantSession.create(stack.baseUrl);
    const res = await tenant.request<ProjectView>('POST', '/projects', { name });
    expect(res.status).toBe(201);
  }

  it('should declare its queues again and re-subscribe when the broker cancels its consumer', async () => {
    await waitFor(
      async () => (await broker.consumerCount(broker.queues.commands)) === 1,
      5_000,
      'a consumer',
    );
    await broker.channel.deleteQueue(broker.queues.deadLetter);
    await broker.channel.deleteQueue(broker.queues.commands);

    await waitFor(
      async () => (await broker.consumerCount(broker.queues.commands)) === 1,
      5_000,
      'the consumer back',
    );
    // The dead-letter queue came back with it.
    await expect(broker.messageCount(broker.queues.deadLetter)).resolves.toBe(0);
    await createsProject('after-cancel');
  });

  it('should reconnect when the broker closes its channel', async () => {
    // Acking a delivery tag the channel never had is a protocol error: RabbitMQ closes the channel.
    workerChannel(stack.worker!).ack({ fields: { deliveryTag: 999_999 } } as never);

    await waitFor(
      async () => (await broker.consumerCount(broker.queues.commands)) === 0,
      5_000,
      'the channel closed',
    );
    await waitFor(
      async () => (await broker.consumerCount(broker.queues.commands)) === 1,
      10_000,
      'the consumer back',
    );
    await createsProject('after-channel-loss');
  });
});

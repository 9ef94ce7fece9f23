// The bounded queues, tried as a publisher flooding them would: one suite, run by one spec file per
// QUEUE_TYPE. The settings are made small so that a handful of messages reaches them.
import type { ProjectView } from '@app/projects';
import { connect, ChannelModel, ConfirmChannel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { MessageHeader, retryQueueName } from '@app/messaging';
import { useBroker } from './broker';
import { adminPool, projectsOf } from './database';
import { useStack } from './stack';
import { TenantSession } from './tenant-session';
import { waitFor } from './wait-for';

export const BOUNDS = {
  MESSAGE_MAX_BYTES: 8192,
  BODY_LIMIT_BYTES: 4096,
  IMPORT_BODY_LIMIT_BYTES: 4096,
  QUEUE_MAX_LENGTH: 5,
  QUEUE_MAX_BYTES: 16384,
  DLQ_MAX_LENGTH: 5,
  DLQ_MAX_BYTES: 16384,
  // A locked row fails fast and is retried; the caller gives up after 3 s.
  DATABASE_LOCK_TIMEOUT_MS: 300,
  RPC_TIMEOUT_MS: 3000,
};

type QueueType = 'classic' | 'quorum';

/** Sets this file's environment: call at the top of the spec file, before the apps are started. */
export function boundedQueues(type: QueueType): void {
  process.env.QUEUE_TYPE = type;
  for (const [name, value] of Object.entries(BOUNDS)) process.env[name] = String(value);
}

/** A publisher with confirms: which of its messages the broker took. */
class ConfirmingPublisher {
  private connection?: ChannelModel;
  private channel?: ConfirmChannel;

  async open(): Promise<void> {
    this.connection = await connect(process.env.AMQP_URL ?? '');
    this.channel = await this.connection.createConfirmChannel();
  }

  /** Publishes the bodies one after the other; true for each the broker took, false for each it refused. */
  async publish(queue: string, bodies: Buffer[]): Promise<boolean[]> {
    const taken: boolean[] = [];
    for (const body of bodies) {
      taken.push(
        await new Promise<boolean>((resolve) =>
          this.channel!.sendToQueue(queue, body, { persistent: true }, (err: unknown) => resolve(!err)),
        ),
      );
    }
    return taken;
  }

  async purge(queue: string): Promise<void> {
    await this.channel!.purgeQueue(queue);
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}

const bodies = (count: number, bytes: number) =>
  Array.from({ length: count }, () => Buffer.from(randomUUID().padEnd(bytes, ' ')));

export function queueBoundsSuite(type: QueueType): void {
  const stack = useStack();
  const broker = useBroker();
  const publisher = new ConfirmingPublisher();
  beforeAll(() => publisher.open());
  afterAll(() => publisher.close());
  const { QUEUE_MAX_LENGTH: maxLength, QUEUE_MAX_BYTES: maxBytes } = BOUNDS;
  // A quorum queue refuses a publish once it is over its bound, a classic one once the publish
  // would take it over: a quorum queue holds at most one message more.
  const slack = type === 'quorum' ? 1 : 0;
  const fill = maxLength + slack;

  /** The bodies in the queue, oldest first, taken off it. */
  const takeAll = async (queue: string): Promise<string[]> => {
    const taken: string[] = [];
    let message;
    while ((message = await broker.channel.get(queue, { noAck: true })))
      taken.push(message.content.toString());
    return taken;
  };

  it('should serve commands as usual (the control case)', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    expect(await tenant.request('POST', '/projects', { name: 'bounded' })).toMatchObject({ status: 201 });
  });

  it('should dead-letter a retry that a full delay queue refuses, with the reason, not lose it', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'held' });
    // A flood parks messages that never expire at the head of the first delay queue.
    const rung = retryQueueName(broker.queues.commands, 1);
    expect(await publisher.publish(rung, bodies(fill, 10))).toEqual(Array(fill).fill(true));

    const lock = await (await adminPool()).connect();
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
      const patch = await tenant.request('PATCH', `/projects/${project.id}`, { name: 'renamed' });
      expect(patch.status).toBe(503);
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
      await publisher.purge(rung);
    }
    const deadLetter = await broker.takeDeadLetter('"renamed"');
    expect(deadLetter.properties.headers).toMatchObject({
      [MessageHeader.DeadLetterReason]: `retry queue full: ${rung}`,
      [MessageHeader.Attempt]: 1,
    });
    expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual(['held']);
  });

  describe('with no worker consuming', () => {
    beforeAll(async () => {
      await stack.worker?.close();
      stack.worker = undefined;
    });

    const queues = () => [
      broker.queues.commands,
      broker.queues.jobStarts,
      broker.queues.jobs,
      retryQueueName(broker.queues.commands, 8),
      retryQueueName(broker.queues.jobs, 1),
    ];

    it('should refuse publishes past QUEUE_MAX_LENGTH to the command, job-start, jobs and delay queues', async () => {
      for (const queue of queues()) {
        const taken = await publisher.publish(queue, bodies(fill + 2, 10));
        await publisher.purge(queue);
        expect({ queue, taken }).toEqual({
          queue,
          taken: [...Array<boolean>(fill).fill(true), false, false],
        });
      }
    });

    it('should refuse publishes past QUEUE_MAX_BYTES to the command, jobs and delay queues', async () => {
      // Two messages of 6,000 bytes fit in 16,384; a third does not.
      const expected = [true, true, slack > 0, false];
      for (const queue of queues()) {
        const taken = await publisher.publish(queue, bodies(4, 6000));
        await publisher.purge(queue);
        expect({ queue, taken }).toEqual({ queue, taken: expected });
      }
      expect(maxBytes).toBeLessThan(3 * 6000);
    });

    it('should answer 503 with Retry-After at once when the command queue is full, and write nothing', async () => {
      const tenant = await TenantSession.create(stack.baseUrl);
      await publisher.publish(broker.queues.commands, bodies(fill, 10));
      try {
        const started = Date.now();
        const res = await fetch(`${stack.baseUrl}/projects`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'flooded' }),
        });
        // Refused by the broker, not timed out waiting for a worker.
        expect(Date.now() - started).toBeLessThan(BOUNDS.RPC_TIMEOUT_MS);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
      } finally {
        await publisher.purge(broker.queues.commands);
      }
      expect(await projectsOf(tenant.tenantId)).toEqual([]);
    });

    it('should keep the newest dead letters past DLQ_MAX_LENGTH and DLQ_MAX_BYTES, refusing none', async () => {
      const dlq = broker.queues.deadLetter;
      await publisher.purge(dlq);
      const many = bodies(BOUNDS.DLQ_MAX_LENGTH + 2, 10);
      expect(await publisher.publish(dlq, many)).toEqual(Array(many.length).fill(true));
      await waitFor(
        async () => (await broker.messageCount(dlq)) === BOUNDS.DLQ_MAX_LENGTH,
        5_000,
        'a bounded DLQ',
      );
      expect(await takeAll(dlq)).toEqual(many.slice(2).map(String));
      const large = bodies(3, 7000);
      expect(await publisher.publish(dlq, large)).toEqual([true, true, true]);
      // 14,000 bytes fit in 16,384: the oldest of the three was dropped.
      await waitFor(async () => (await broker.messageCount(dlq)) === 2, 5_000, 'a DLQ bounded in bytes');
      expect(await takeAll(dlq)).toEqual(large.slice(1).map(String));
    });
  });
}

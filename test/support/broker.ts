import { connect, ChannelModel, Channel, GetMessage, Options } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { MessageHeader, queueNames } from '@app/messaging';
import { SignedPublish, signLikeGateway } from './signing';
import { waitFor } from './wait-for';

/** A raw AMQP connection for tests that act as an untrusted publisher or inspect queues. */
export class Broker {
  private connection?: ChannelModel;
  private openChannel?: Channel;
  // Dead letters taken off the queue while looking for another one, kept for later lookups.
  private readonly deadLetters: GetMessage[] = [];

  async connect(): Promise<void> {
    this.connection = await connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    this.openChannel = await this.connection.createChannel();
  }

  get channel(): Channel {
    if (!this.openChannel)
      throw new Error('the broker is not connected yet (useBroker connects in beforeAll)');
    return this.openChannel;
  }

  get queues() {
    return queueNames(process.env.QUEUE_PREFIX ?? '');
  }

  publish(pattern: string, data: unknown, options: Options.Publish = {}, id?: string): void {
    const body = Buffer.from(JSON.stringify({ pattern, data, ...(id ? { id } : {}) }));
    this.channel.sendToQueue(this.queues.commands, body, { persistent: true, ...options });
  }

  /** Publishes a command signed like the gateway does, optionally tampered with afterwards. */
  publishSigned(pattern: string, data: unknown, options: SignedPublish): string {
    const { messageId, headers, content } = signLikeGateway(pattern, data, options);
    this.channel.sendToQueue(this.queues.commands, content, { persistent: true, headers, messageId });
    return messageId;
  }

  /** Sends a signed command the way Nest's RPC client does, and waits for the worker's reply. */
  async requestSigned(pattern: string, data: unknown, options: SignedPublish): Promise<unknown> {
    const reply = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    const id = randomUUID();
    const { messageId, headers, content } = signLikeGateway(pattern, data, {
      replyTo: reply.queue,
      correlationId: id,
      id,
      ...options,
    });
    this.channel.sendToQueue(this.queues.commands, content, {
      persistent: true,
      headers,
      messageId,
      replyTo: reply.queue,
      correlationId: id,
    });
    const answer = await waitFor(() => this.channel.get(reply.queue, { noAck: true }), 10_000, 'a reply');
    return JSON.parse(answer.content.toString()) as unknown;
  }

  /** Waits until a message whose body contains the marker reaches the dead-letter queue. */
  takeDeadLetter(marker: string, timeoutMs = 10_000): Promise<GetMessage> {
    const probe = async () => {
      // Take everything that has arrived, then look among all taken so far.
      await this.takeArrived();
      const seen = this.deadLetters.findIndex((m) => m.content.toString().includes(marker));
      return seen >= 0 ? this.deadLetters.splice(seen, 1)[0] : undefined;
    };
    return waitFor(probe, timeoutMs, `a dead letter containing ${marker}`);
  }

  /** Why the worker dead-lettered the message containing the marker (waits for it). */
  async deadLetterReason(marker: string, timeoutMs?: number): Promise<string> {
    const message = await this.takeDeadLetter(marker, timeoutMs);
    return String(message.properties.headers?.[MessageHeader.DeadLetterReason]);
  }

  /**
   * The dead letters of these tenants, taken off the queue once the command queue has nothing left
   * waiting (bounded), so that a command that expired there is counted too. Others are dropped: a
   * message of an earlier test, held by a worker that test killed, may come back and expire later.
   */
  async drainDeadLetters(tenantIds: string[]): Promise<GetMessage[]> {
    await waitFor(
      async () => (await this.messageCount(this.queues.commands)) === 0,
      10_000,
      'an empty command queue',
    );
    await this.takeArrived();
    return this.deadLetters
      .splice(0)
      .filter((m) => tenantIds.includes(String(m.properties.headers?.[MessageHeader.TenantId])));
  }

  private async takeArrived(): Promise<void> {
    let message: GetMessage | false;
    while ((message = await this.channel.get(this.queues.deadLetter, { noAck: false }))) {
      this.channel.ack(message);
      this.deadLetters.push(message);
    }
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Consumers on a queue; 0 also when the queue does not exist (the check would close the channel). */
  async consumerCount(queue: string): Promise<number> {
    const channel = await this.connection!.createChannel();
    channel.on('error', () => undefined);
    try {
      const { consumerCount } = await channel.checkQueue(queue);
      await channel.close();
      return consumerCount;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}

/**
 * Why a message was dead-lettered: the worker's own reason header, or else RabbitMQ's (`expired`
 * for a message nobody took before its expiration).
 */
export function whyDeadLettered(message: GetMessage): string {
  const headers = message.properties.headers ?? {};
  const reason = headers[MessageHeader.DeadLetterReason] as string | undefined;
  if (reason !== undefined) return reason;
  return String((headers['x-death'] as Array<{ reason?: string }> | undefined)?.[0]?.reason);
}

/** A broker connected in beforeAll and closed in afterAll. */
export function useBroker(): Broker {
  const broker = new Broker();
  beforeAll(() => broker.connect());
  afterAll(() => broker.close());
  return broker;
}

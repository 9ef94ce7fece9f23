import { connect, ChannelModel, Channel, GetMessage, Options } from 'amqplib';
import { queueNames } from '@app/messaging';

/** A raw AMQP connection for tests that act as an untrusted publisher or inspect queues. */
export class Broker {
  // Dead letters taken off the queue while looking for another one, kept for later lookups.
  private readonly deadLetters: GetMessage[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async connect(): Promise<Broker> {
    const connection = await connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    return new Broker(connection, await connection.createChannel());
  }

  get queues() {
    return queueNames(process.env.QUEUE_PREFIX ?? '');
  }

  publish(pattern: string, data: unknown, options: Options.Publish = {}, id?: string): void {
    const body = Buffer.from(JSON.stringify({ pattern, data, ...(id ? { id } : {}) }));
    this.channel.sendToQueue(this.queues.projects, body, { persistent: true, ...options });
  }

  /** Waits until a message whose body contains the marker reaches the dead-letter queue. */
  async takeDeadLetter(marker: string, timeoutMs = 10_000): Promise<GetMessage> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const seen = this.deadLetters.findIndex((m) => m.content.toString().includes(marker));
      if (seen >= 0) return this.deadLetters.splice(seen, 1)[0];
      const message = await this.channel.get(this.queues.projectsDeadLetter, { noAck: false });
      if (message) {
        this.channel.ack(message);
        this.deadLetters.push(message);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no dead letter containing ${marker} within ${timeoutMs} ms`);
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

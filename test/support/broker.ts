import { connect, ChannelModel, Channel, GetMessage, Options } from 'amqplib';
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { MessageHeader, queueNames } from '@app/messaging';
import { signingKey, signMessage } from '@app/signing';

export interface SignedPublish {
  tenantId: string;
  userId?: string;
  key?: KeyObject;
  messageId?: string;
  signedAt?: number;
  deadline?: string;
  /** Extra or replacing headers, applied after signing (to tamper). */
  headers?: Record<string, unknown>;
  /** Replaces the body after signing (to tamper). */
  tamperedData?: unknown;
}

/** The key the apps under test sign and verify with. */
export function testSigningKey(): KeyObject {
  return signingKey(process.env.MESSAGE_SIGNING_KEY ?? '');
}

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
    this.channel.sendToQueue(this.queues.commands, body, { persistent: true, ...options });
  }

  /** Publishes a command signed like the gateway does, optionally tampered with afterwards. */
  publishSigned(pattern: string, data: unknown, options: SignedPublish): string {
    const messageId = options.messageId ?? randomUUID();
    const signedAt = options.signedAt ?? Date.now();
    const userId = options.userId ?? 'test-user';
    const deadline = options.deadline ?? String(Date.now() + 30_000);
    const signature = signMessage(options.key ?? testSigningKey(), {
      tenantId: options.tenantId,
      userId,
      messageId,
      pattern,
      signedAt,
      deadline,
      data,
    });
    const headers: Record<string, unknown> = {
      [MessageHeader.TenantId]: options.tenantId,
      [MessageHeader.UserId]: userId,
      [MessageHeader.CorrelationId]: randomUUID(),
      [MessageHeader.Deadline]: deadline,
      [MessageHeader.SignedAt]: String(signedAt),
      [MessageHeader.Signature]: signature,
      ...options.headers,
    };
    for (const [key, value] of Object.entries(headers)) if (value === undefined) delete headers[key];
    const body = 'tamperedData' in options ? options.tamperedData : data;
    this.publish(pattern, body, { headers, messageId });
    return messageId;
  }

  /** Waits until a message whose body contains the marker reaches the dead-letter queue. */
  async takeDeadLetter(marker: string, timeoutMs = 10_000): Promise<GetMessage> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const seen = this.deadLetters.findIndex((m) => m.content.toString().includes(marker));
      if (seen >= 0) return this.deadLetters.splice(seen, 1)[0];
      const message = await this.channel.get(this.queues.deadLetter, { noAck: false });
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

import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { AMQP_SOCKET_OPTIONS } from './rmq-options';

export interface QueueCounts {
  /** Messages ready in the queue (not those delivered and not yet acked). */
  messageCount: number;
  consumerCount: number;
}

/**
 * Reads a queue's counts (passive declare), on a connection of its own, for health checks and
 * queue-depth gauges: never on a channel that carries commands, since a missing queue makes the
 * broker close the channel it was asked on. One channel per look for the same reason; the
 * connection is opened on first use and again after it is lost.
 */
export class QueueProbe {
  private connection?: Promise<ChannelModel>;

  constructor(private readonly url: string) {}

  /** Rejects when the broker is unreachable, the queue does not exist, or no answer comes within `timeoutMs`. */
  async counts(queue: string, timeoutMs: number): Promise<QueueCounts> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the broker did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.look(queue), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.then((c) => c.close()).catch(() => undefined);
  }

  private async look(queue: string): Promise<QueueCounts> {
    const connection = await this.open();
    const channel = await connection.createChannel();
    // The broker closes the channel itself when the queue is missing; nothing to report twice.
    channel.on('error', () => undefined);
    try {
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      return { messageCount, consumerCount };
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private open(): Promise<ChannelModel> {
    if (!this.connection) {
      const opened = connect(this.url, { ...AMQP_SOCKET_OPTIONS, timeout: 5_000 }).then((connection) => {
        const forget = () => {
          if (this.connection === opened) this.connection = undefined;
        };
        connection.on('close', forget);
        // Without a listener, a connection error would end the process.
        connection.on('error', forget);
        return connection;
      });
      // A failed connect is not kept: the next look tries again.
      opened.catch(() => {
        if (this.connection === opened) this.connection = undefined;
      });
      this.connection = opened;
    }
    return this.connection;
  }
}

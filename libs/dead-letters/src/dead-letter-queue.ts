import { connect } from 'amqplib';
import type { ChannelModel, ConfirmChannel, GetMessage } from 'amqplib';
import { AMQP_SOCKET_OPTIONS, queueNames, retryLadderOf } from '@app/messaging';
import { DeadLetter, readDeadLetter } from './dead-letter';
import { ReplayReplies } from './replay-replies';
import type { ReplayPublish } from './replayed-command';

/** A dead letter taken off the queue and not settled yet: it goes back unless acked. */
export interface HeldDeadLetter {
  message: GetMessage;
  letter: DeadLetter;
}

/** Something the operator can fix: a queue that is not there, a publish the broker refused. */
export class DeadLetterQueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadLetterQueueError';
  }
}

/**
 * The dead-letter queue of one QUEUE_PREFIX, read with basic.get and manual acks. Every message
 * taken is held unacked until it is acked (replayed, purged) or, at close, put back with a
 * requeueing nack; a crash puts them back too, as the broker requeues what a closed connection held.
 * It declares nothing: the queues' arguments are the workers' to set, and a declaration here could
 * only fail on different ones, or create a missing queue that the workers would then refuse.
 */
export class DeadLetterQueue {
  private readonly held = new Map<number, GetMessage>();
  private readonly returned = new Set<string>();
  readonly names: ReturnType<typeof queueNames>;

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly prefix: string,
  ) {
    this.names = queueNames(prefix);
    // A message the broker could not route comes back before its confirm: remember it for that.
    channel.on('return', (message) => this.returned.add(String(message.properties.correlationId)));
  }

  static async open(url: string, prefix: string): Promise<DeadLetterQueue> {
    const names = queueNames(prefix);
    const connection = await connect(url, AMQP_SOCKET_OPTIONS);
    // Failures reach the pending calls; without listeners they would also be thrown as events.
    connection.on('error', () => undefined);
    try {
      await mustExist(connection, names.deadLetter, prefix);
      await mustExist(connection, names.commands, prefix);
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      return new DeadLetterQueue(connection, channel, prefix);
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  /** Messages ready in the dead-letter queue (not those another reader holds). */
  async size(): Promise<number> {
    return (await this.channel.checkQueue(this.names.deadLetter)).messageCount;
  }

  /**
   * Takes the messages that were in the queue when it started, up to `limit` selected, holding all
   * of them: one put back at once would be handed out again by the next get. Dead letters that
   * arrive meanwhile are left for the next run.
   */
  async take(select: (letter: DeadLetter) => boolean, limit = Infinity): Promise<HeldDeadLetter[]> {
    const selected: HeldDeadLetter[] = [];
    let remaining = await this.size();
    while (remaining-- > 0 && selected.length < limit) {
      const message = await this.channel.get(this.names.deadLetter, { noAck: false });
      if (!message) break;
      this.held.set(message.fields.deliveryTag, message);
      const letter = readDeadLetter(message);
      if (select(letter)) selected.push({ message, letter });
    }
    return selected;
  }

  /** Removes a held message from the queue for good. */
  ack(message: GetMessage): void {
    this.held.delete(message.fields.deliveryTag);
    this.channel.ack(message);
  }

  /** Waits until the broker has processed everything sent so far on the channel (acks included). */
  async flush(): Promise<void> {
    await this.size();
  }

  /**
   * Publishes to the queue the message died in (commands, or the first jobs queue for a batch from
   * any jobs shard: it always exists, whatever JOB_QUEUE_SHARDS is now), and resolves once the broker
   * has it (confirmed and routed). Only to a queue the workers consume under this prefix, whatever
   * the message names: its headers are not signed. Unknown, as for dead letters older than the
   * header, means the command queue.
   */
  republish({ content, options }: ReplayPublish, sourceQueue: string | undefined): Promise<string> {
    const queue = sourceQueue !== undefined ? retryLadderOf(this.prefix, sourceQueue) : this.names.commands;
    return new Promise((resolve, reject) => {
      this.channel.sendToQueue(queue, content, options, (err: unknown) => {
        if (err) reject(new DeadLetterQueueError(`the broker did not confirm the publish to ${queue}`));
        else if (this.returned.delete(options.correlationId))
          reject(new DeadLetterQueueError(`the broker could not route it to ${queue}`));
        else resolve(queue);
      });
    });
  }

  /** Starts taking answers to replayed requests on this channel. */
  replies(): Promise<ReplayReplies> {
    return ReplayReplies.start(this.channel);
  }

  /** Puts back every message still held, in the order taken, then disconnects. */
  async close(): Promise<void> {
    try {
      const tags = [...this.held.keys()].sort((a, b) => a - b);
      for (const tag of tags) this.channel.nack(this.held.get(tag) as GetMessage, false, true);
      await this.channel.close();
    } catch {
      // The channel is gone already: the broker requeues what it held all the same.
    } finally {
      this.held.clear();
      await this.connection.close().catch(() => undefined);
    }
  }
}

/** A passive declare, on a channel of its own: the broker closes the channel of a failed one. */
async function mustExist(connection: ChannelModel, queue: string, prefix: string): Promise<void> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await channel.checkQueue(queue);
    await channel.close();
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) {
      throw new DeadLetterQueueError(
        `Queue "${queue}" does not exist. Is QUEUE_PREFIX ("${prefix}") the workers' one, and has a worker started since?`,
      );
    }
    throw err;
  }
}

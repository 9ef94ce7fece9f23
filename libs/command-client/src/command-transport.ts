import { Logger } from '@nestjs/common';
import { ReadPacket, RmqRecord, RmqRecordOptions, WritePacket } from '@nestjs/microservices';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { KeyObject } from 'node:crypto';
import { CommandClientRmqOptions, MessageHeader, SizeBoundedClientRMQ, textHeader } from '@app/messaging';
import { MessageSigner, verifyReply } from '@app/signing';
import { SendSpan } from '@app/tracing';

/**
 * Anyone who learns the reply queue's name may publish to it: a flood is bounded (the oldest
 * dropped) and drained as fast as replies are checked. Far above the replies in flight, which
 * RPC_MAX_IN_FLIGHT bounds.
 */
const REPLY_QUEUE_BOUNDS = { 'x-max-length': 10_000, 'x-max-length-bytes': 256 * 1024 * 1024 };

/** The request a reply must be signed for. */
export interface AwaitedReply {
  tenantId: string;
  messageId: string;
}

/** Where a request goes, and the producer span of its publish. */
interface Sending {
  queue: string;
  span: SendSpan;
}

/** A command as CommandClient builds it: unsigned, as Nest picks its correlation id and bytes as it publishes. */
export class CommandRecord extends RmqRecord<object> {
  constructor(
    data: object,
    options: RmqRecordOptions,
    readonly request: AwaitedReply,
    /** A job's start goes to the job-start queue; every other command to the command queue. */
    readonly startsJob = false,
  ) {
    super(data, options);
  }
}

/**
 * Nest's RMQ client (refusing a command larger than the workers parse: SizeBoundedClientRMQ), with
 * each request bound to its reply.
 * - Signing: Nest picks a request's correlation id inside publish(), after the caller has built the
 *   message, and builds the bytes after the serializer. The command is signed where both are known,
 *   as it goes to the channel (`outgoing`): over the exact bytes sent, and the headers and properties
 *   they go with, the reply address and correlation id included; the worker checks that before it
 *   parses anything. Only a CommandRecord is sent; anything else fails in the serializer.
 * - Job starts: a command that starts a job goes to the job-start queue (`startsJob`), the others to
 *   the command queue (Nest's `queue`). Nest publishes every message to its one queue, so the queue
 *   is swapped as the message goes to the channel; both queues are asserted on every (re)connect.
 * - Tracing: each publish is a producer span under the request's, started in the serializer; its
 *   traceparent (and tracestate) go into the headers there, before `outgoing` signs them, and the
 *   span ends at the broker's confirm. By hand: the amqplib instrumentation does not support
 *   amqplib 2, and would not sign what it adds.
 * - Reply queue: one of its own, named by the broker and exclusive to this connection (nobody else
 *   may consume it). Direct reply-to cannot be signed: the broker rewrites `amq.rabbitmq.reply-to`
 *   on the way to the worker.
 * - Replies: one is handed on only if the worker signed it for this request (its message id,
 *   correlation id and tenant, and the reply's bytes). Anything else on the reply queue, which anyone
 *   who knows its name may publish to, is dropped and logged; the caller waits on for the genuine
 *   answer or times out (503).
 */
export class CommandTransport extends SizeBoundedClientRMQ {
  private readonly replyLogger = new Logger('Replies');
  private readonly awaited = new Map<string, AwaitedReply>();
  private readonly signer: MessageSigner;
  // Each request's queue and producer span, by correlation id: set by the serializer, taken as the
  // message goes to the channel, both inside Nest's synchronous publish().
  private readonly sending = new Map<string, Sending>();
  private readonly jobStarts: CommandClientRmqOptions['jobStarts'];

  constructor(
    { jobStarts, ...options }: CommandClientRmqOptions,
    private readonly key: KeyObject,
  ) {
    super(options);
    this.jobStarts = jobStarts;
    this.signer = new MessageSigner(key);
    this.serializer = { serialize: (packet: ReadPacket & { id?: string }) => this.addressed(packet) };
  }

  protected override publish(message: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const cleanup = super.publish(message, callback);
    // Nest has set the packet's id (the correlation id) by now.
    const { id } = message as ReadPacket & { id?: string };
    // Serialized but never handed to the channel: Nest has already called back with the error.
    if (id !== undefined) this.takeSending(id)?.span.end(new Error('not published'));
    return () => {
      cleanup();
      if (id !== undefined) this.awaited.delete(id);
    };
  }

  /** Run on every (re)connect, around the size check and signing put in place on the new channel. */
  override createChannel(): Promise<void> {
    const created = super.createChannel();
    // Typed `any` through Nest's optional dependency on amqp-connection-manager.
    const channel = this.channel as ChannelWrapper;
    const send = channel.sendToQueue.bind(channel);
    channel.sendToQueue = (queue, content, options, ...rest) => {
      const sending = this.takeSending(options?.correlationId);
      const sent = send(sending?.queue ?? queue, content, options, ...rest);
      sending?.span.settle(sent);
      return sent;
    };
    return created;
  }

  override async consumeChannel(channel: Channel): Promise<void> {
    // Nest has asserted its own queue; a job's start would be dropped, unroutable, without its own.
    await channel.assertQueue(this.jobStarts.queue, this.jobStarts.queueOptions);
    // On every (re)connect: an exclusive queue goes with its connection. Requests still waiting on
    // the old one time out (503), as they did when direct reply-to's channel went. Named by the
    // broker: a name of ours could still be held by a connection the broker has not yet seen die.
    const { queue } = await channel.assertQueue('', {
      exclusive: true,
      autoDelete: true,
      durable: false,
      arguments: REPLY_QUEUE_BOUNDS,
    });
    this.replyQueue = queue;
    await channel.consume(queue, (reply) => reply && this.received(reply), { noAck: true });
  }

  /** Signs the command over the bytes Nest built and the options they go with (after the size check). */
  protected override outgoing(content: Buffer, options: Options.Publish | undefined): Options.Publish {
    return this.signer.signed(content, options ?? {});
  }

  /** Nest's serializer: the packet Nest will build the bytes from, addressed to this client's reply queue. */
  private addressed(packet: ReadPacket & { id?: string }) {
    const record: unknown = packet.data;
    if (!(record instanceof CommandRecord) || packet.id === undefined)
      throw new Error('CommandTransport sends only requests built by CommandClient');
    this.awaited.set(packet.id, record.request);
    const queue = record.startsJob ? this.jobStarts.queue : this.queue;
    const span = new SendSpan(queue, String(packet.pattern));
    span.setMessageId(record.request.messageId);
    this.sending.set(packet.id, { queue, span });
    const options = record.options ?? {};
    return {
      pattern: packet.pattern as unknown,
      id: packet.id,
      data: record.data,
      // This connection's reply queue (Nest's default too, said here): the signature covers it, as
      // it covers the traceparent that names this publish as the parent of the worker's handling.
      options: { ...options, replyTo: this.replyQueue, headers: { ...options.headers, ...span.headers() } },
    };
  }

  private takeSending(correlationId: unknown): Sending | undefined {
    if (typeof correlationId !== 'string') return undefined;
    const sending = this.sending.get(correlationId);
    this.sending.delete(correlationId);
    return sending;
  }

  private received(reply: ConsumeMessage): void {
    const correlationId: unknown = reply.properties.correlationId;
    const awaited = typeof correlationId === 'string' ? this.awaited.get(correlationId) : undefined;
    // A late answer to a request that has given up, or an answer to nobody: no one waits for it.
    if (typeof correlationId !== 'string' || !awaited) return;
    const signature = textHeader(reply, MessageHeader.Signature) ?? '';
    if (!verifyReply([this.key], { ...awaited, correlationId, content: reply.content }, signature)) {
      this.replyLogger.warn(
        `Dropped a reply to request ${correlationId} that no worker signed for it; still waiting for one`,
      );
      return;
    }
    this.responseEmitter.emit(correlationId, reply);
  }
}

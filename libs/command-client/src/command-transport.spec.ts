import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { EventEmitter } from 'node:events';
import { WritePacket } from '@nestjs/microservices';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MessageHeader } from '@app/messaging';
import { signingKey, signReply, verifiedBytes } from '@app/signing';
import { startTracing } from '@app/tracing';
import { CommandRecord, CommandTransport } from './command-transport';

const KEY = signingKey('unit-test-signing-key-0123456789abcdef');
const TENANT = '77777777-7777-4777-8777-777777777777';
const MESSAGE_ID = '88888888-8888-4888-8888-888888888888';
const PATTERN = 'projects.get.v1';
const DATA = { id: 'p1' };
const REPLY_QUEUE = 'amq.gen-own';

interface Sent {
  queue: string;
  content: Buffer;
  options: { replyTo: string; correlationId: string; messageId: string; headers: Record<string, unknown> };
}

/** The transport with a fake channel: what it publishes, and a way to hand it replies. */
async function setup({ startsJob = false } = {}) {
  const transport = new CommandTransport(
    {
      urls: ['amqp://unused'],
      queue: 'test.commands',
      maxMessageBytes: 1024 * 1024,
      jobStarts: { queue: 'test.job-starts', queueOptions: { durable: true } },
    },
    KEY,
  );
  const internals = transport as unknown as {
    responseEmitter: EventEmitter;
    client: unknown;
    publish: (packet: object, callback: (packet: WritePacket) => void) => () => void;
  };
  internals.responseEmitter = new EventEmitter();
  const sent: Sent[] = [];
  // As after a (re)connect: the channel Nest publishes on, wrapped by the transport.
  internals.client = {
    createChannel: () =>
      Object.assign(new EventEmitter(), {
        sendToQueue: (queue: string, content: Buffer, options: Sent['options']) => {
          sent.push({ queue, content, options });
          return Promise.resolve(true);
        },
      }),
  };
  void transport.createChannel();
  let deliver: (message: ConsumeMessage) => void = () => undefined;
  const asserted: string[] = [];
  await transport.consumeChannel({
    assertQueue: (queue: string) => {
      asserted.push(queue);
      return Promise.resolve({ queue: queue || REPLY_QUEUE });
    },
    consume: (_queue: string, onMessage: (message: ConsumeMessage) => void) => {
      deliver = onMessage;
      return Promise.resolve();
    },
  } as unknown as Channel);

  const answers: WritePacket[] = [];
  const record = new CommandRecord(
    DATA,
    {
      messageId: MESSAGE_ID,
      headers: {
        [MessageHeader.TenantId]: TENANT,
        [MessageHeader.UserId]: 'u',
        [MessageHeader.SignedAt]: '1',
        [MessageHeader.Deadline]: '9',
      },
    },
    { tenantId: TENANT, messageId: MESSAGE_ID },
    startsJob,
  );
  const cleanup = internals.publish({ pattern: PATTERN, data: record }, (packet) => answers.push(packet));
  const request = sent[0];

  /** A reply on the reply queue, signed (or not) as given; resolves once the transport has read it. */
  const reply = async (
    body: object,
    { signature, correlationId = request?.options.correlationId } = {} as {
      signature?: string;
      correlationId?: string;
    },
  ) => {
    const content = Buffer.from(JSON.stringify(body));
    const headers = signature === undefined ? {} : { [MessageHeader.Signature]: signature };
    deliver({ content, fields: {}, properties: { correlationId, headers } } as unknown as ConsumeMessage);
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** The worker's signature over this reply to this request. */
  const signed = (body: object, key = KEY, correlationId = request.options.correlationId) =>
    signReply(key, {
      tenantId: TENANT,
      messageId: MESSAGE_ID,
      correlationId,
      content: Buffer.from(JSON.stringify(body)),
    });
  return { transport, internals, sent, request, answers, cleanup, reply, signed, asserted };
}

const GENUINE = { response: { id: 'p1', name: 'Apollo' }, isDisposed: true };
const FORGED = { response: { id: 'p1', name: 'Forged' }, isDisposed: true };

describe(CommandTransport.name, () => {
  it('should sign the command over the exact bytes, reply queue and correlation id it is sent with', async () => {
    const { request } = await setup();
    const delivered = {
      content: request.content,
      fields: {},
      properties: request.options,
    } as unknown as Message;

    expect(request.options.replyTo).toBe(REPLY_QUEUE);
    expect(request.options.correlationId).toEqual(expect.any(String));
    expect(JSON.parse(request.content.toString())).toEqual({
      pattern: PATTERN,
      data: DATA,
      id: request.options.correlationId,
    });
    expect(verifiedBytes([KEY], delivered)).toMatchObject({
      key: KEY,
      fields: { tenantId: TENANT, userId: 'u', messageId: MESSAGE_ID, signedAt: 1, deadline: '9' },
    });
    const redirected = { ...delivered, properties: { ...request.options, replyTo: 'amq.gen-attacker' } };
    expect(() => verifiedBytes([KEY], redirected as Message)).toThrow(/signature invalid/);
    const rewritten = { ...delivered, content: Buffer.from(request.content.toString().replace('p1', 'p2')) };
    expect(() => verifiedBytes([KEY], rewritten)).toThrow(/signature invalid/);
  });

  it('should send a command to the command queue, and one that starts a job to the job-start queue', async () => {
    const command = await setup();
    const start = await setup({ startsJob: true });

    expect(command.request.queue).toBe('test.commands');
    expect(start.request.queue).toBe('test.job-starts');
    // On every (re)connect, with the reply queue: a start to a queue nobody declared would be dropped.
    expect(start.asserted).toEqual(['test.job-starts', '']);
  });

  it('should hand on a reply the worker signed for this request', async () => {
    const { reply, signed, answers } = await setup();

    await reply(GENUINE, { signature: signed(GENUINE) });

    expect(answers).toEqual([{ err: undefined, response: GENUINE.response, isDisposed: true }]);
  });

  it.each<[string, (s: Awaited<ReturnType<typeof setup>>) => string | undefined]>([
    ['unsigned', () => undefined],
    [
      'signed with another key',
      ({ signed }) => signed(FORGED, signingKey('an-attacker-chosen-key-0123456789abcdef')),
    ],
    ['whose signature is for another body', ({ signed }) => signed(GENUINE)],
    ['whose signature is for another request', ({ signed }) => signed(FORGED, KEY, 'another-request')],
    ['with a junk signature', () => 'v2=AAAA'],
  ])('should drop a reply %s, and go on waiting for the genuine one', async (_case, signatureOf) => {
    const setupResult = await setup();
    const { reply, signed, answers } = setupResult;

    await reply(FORGED, { signature: signatureOf(setupResult) });
    expect(answers).toEqual([]);

    await reply(GENUINE, { signature: signed(GENUINE) });
    expect(answers).toEqual([{ err: undefined, response: GENUINE.response, isDisposed: true }]);
  });

  it('should ignore even a signed reply once the request has stopped waiting', async () => {
    const { reply, signed, answers, cleanup } = await setup();

    cleanup();
    await reply(GENUINE, { signature: signed(GENUINE) });

    expect(answers).toEqual([]);
  });

  it('should send nothing that CommandClient did not build (nothing unsigned leaves)', async () => {
    const { internals, sent } = await setup();
    const answers: WritePacket[] = [];

    internals.publish({ pattern: PATTERN, data: DATA }, (packet) => answers.push(packet));

    expect(sent).toHaveLength(1);
    expect(answers).toEqual([{ err: expect.any(Error) }]);
  });

  describe('with tracing on', () => {
    const exporter = new InMemorySpanExporter();
    let tracing: ReturnType<typeof startTracing>;
    beforeAll(() => {
      tracing = startTracing({ serviceName: 'unit', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    });
    afterAll(() => tracing.shutdown());

    it("should send the publish's traceparent under the signature, and end its span at the confirm", async () => {
      const requestSpan = trace.getTracer('unit').startSpan('request');
      const { request } = await context.with(trace.setSpan(context.active(), requestSpan), setup);
      await new Promise((resolve) => setImmediate(resolve));
      const [send] = exporter.getFinishedSpans();
      const delivered = (headers: Record<string, unknown>) =>
        ({ content: request.content, fields: {}, properties: { ...request.options, headers } }) as Message;

      expect(send).toMatchObject({ name: 'send test.commands', kind: SpanKind.PRODUCER });
      expect(send.spanContext().traceId).toBe(requestSpan.spanContext().traceId);
      expect(request.options.headers[MessageHeader.TraceParent]).toBe(
        `00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`,
      );
      expect(verifiedBytes([KEY], delivered(request.options.headers)).fields.traceparent).toBe(
        request.options.headers[MessageHeader.TraceParent],
      );
      const moved = {
        ...request.options.headers,
        [MessageHeader.TraceParent]: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`,
      };
      expect(() => verifiedBytes([KEY], delivered(moved))).toThrow(/signature invalid/);
      requestSpan.end();
    });

    it("should name a job start's span after the queue it goes to", async () => {
      exporter.reset();
      await setup({ startsJob: true });
      await new Promise((resolve) => setImmediate(resolve));

      expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['send test.job-starts']);
    });
  });
});

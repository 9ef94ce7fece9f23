// Threat: someone who can publish to the broker, without the signing key, sends a message too large
// or too deeply nested to parse. Nest's RMQ server would JSON.parse any body before the signature is
// checked, a worker's heap may be capped (here `--max-old-space-size=192`, as a small container
// would), and a message that kills a worker is delivered again to the next one: one message could
// crash-loop every worker. Real worker processes: the harm is a process dying.
import { randomUUID } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { ProjectPattern } from '@app/projects';
import { Broker, useBroker } from '../support/broker';
import { createTenant, projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { useWorkerProcesses, WorkerProcess } from '../support/worker-process';

const SMALL_LIMIT = 64 * 1024;
// The default MESSAGE_MAX_BYTES: an import of the default IMPORT_BODY_LIMIT_BYTES (32 MiB) and room.
const DEFAULT_LIMIT = 33 * 1024 * 1024;

/** A body of exactly `bytes` that names `marker` and, parsed, would be millions of empty objects. */
function objectFlood(marker: string, bytes: number): Buffer {
  const head = `{"pattern":"${ProjectPattern.Create}","data":{"marker":"${marker}","pad":[`;
  const room = bytes - head.length - ']}}'.length;
  const pad = '{},'
    .repeat(Math.floor(room / 3))
    .slice(0, -1)
    .padEnd(room, ' ');
  return Buffer.from(`${head}${pad}]}}`);
}

/** An unsigned message that claims a tenant, as a forger would send it. */
function publishUnsigned(
  broker: Broker,
  queue: string,
  body: Buffer,
  tenantId: string,
  headers: Record<string, string> = {},
): void {
  broker.channel.sendToQueue(queue, body, {
    headers: { [MessageHeader.TenantId]: tenantId, [MessageHeader.UserId]: 'forger', ...headers },
    messageId: randomUUID(),
  });
}

/** The worker still applies a signed command, and answers it. */
async function stillServes(broker: Broker, worker: WorkerProcess, tenantId: string): Promise<void> {
  const name = `after-${randomUUID()}`;
  const reply = await broker.requestSigned(ProjectPattern.Create, { name }, { tenantId });
  expect(reply).toMatchObject({ response: { name } });
  expect((await projectsOf(tenantId)).map((p) => p.name)).toContain(name);
  expect(worker.running).toBe(true);
}

describe('Messages too large or too deep to parse', () => {
  const workers = useWorkerProcesses();
  useStack({ worker: false });
  const broker = useBroker();

  it(
    'should dead-letter, unread and with the reason, a message over MESSAGE_MAX_BYTES on either queue, and keep serving',
    workers.withLogs(async () => {
      const tenantId = await createTenant();
      const worker = await workers.start('small-limit', { MESSAGE_MAX_BYTES: String(SMALL_LIMIT) });
      const [onCommands, onJobs] = [randomUUID(), randomUUID()];

      publishUnsigned(broker, broker.queues.commands, objectFlood(onCommands, SMALL_LIMIT + 1), tenantId);
      publishUnsigned(broker, broker.queues.jobs, objectFlood(onJobs, 10 * SMALL_LIMIT), tenantId);

      const commands = await broker.takeDeadLetter(onCommands);
      expect(commands.properties.headers).toMatchObject({
        [MessageHeader.DeadLetterReason]: `message too large: ${SMALL_LIMIT + 1} bytes, over MESSAGE_MAX_BYTES (${SMALL_LIMIT})`,
        [MessageHeader.SourceQueue]: broker.queues.commands,
      });
      // The dead letter is the message as sent, for whoever investigates it.
      expect(commands.content.length).toBe(SMALL_LIMIT + 1);
      const jobs = await broker.takeDeadLetter(onJobs);
      expect(jobs.properties.headers).toMatchObject({
        [MessageHeader.DeadLetterReason]: expect.stringMatching(/^message too large: /) as unknown,
        [MessageHeader.SourceQueue]: broker.queues.jobs,
      });
      // Unread: it never reached the pipeline, so no signature was checked.
      expect(worker.timesLogged('signature missing')).toBe(0);
      expect(worker.timesLogged('Dead-lettered unread')).toBe(2);
      // A signed command within the limit goes through, on the same worker.
      await stillServes(broker, worker, tenantId);
    }),
  );

  it(
    'should dead-letter, unread, a message nested deeper than 32 levels instead of failing in the signature check',
    workers.withLogs(async () => {
      const tenantId = await createTenant();
      const worker = await workers.start('depth');
      const marker = randomUUID();
      const depth = 20_000;
      const body = `{"pattern":"${ProjectPattern.Create}","data":{"marker":"${marker}","deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      // A signature header (garbage) makes the old path serialize the payload again to check it.
      broker.channel.sendToQueue(broker.queues.commands, Buffer.from(body), {
        headers: {
          [MessageHeader.TenantId]: tenantId,
          [MessageHeader.UserId]: 'forger',
          [MessageHeader.SignedAt]: String(Date.now()),
          [MessageHeader.Signature]: 'v1=AAAA',
        },
        messageId: randomUUID(),
      });

      expect(await broker.deadLetterReason(marker)).toBe('message nested deeper than 32 levels');
      expect(worker.timesLogged('unexpected error')).toBe(0);
      await stillServes(broker, worker, tenantId);
    }),
  );

  it.each([
    ['unsigned', {}, 'Message rejected: signature missing'],
    [
      'with a forged signature',
      { [MessageHeader.SignedAt]: String(Date.now()), [MessageHeader.Signature]: `v2=${'A'.repeat(43)}` },
      'Message rejected: signature invalid',
    ],
  ])(
    'should dead-letter unread, before parsing, a message %s under the maximum that would not fit the heap parsed',
    (_case, headers, reason) =>
      workers.withLogs(async () => {
        const tenantId = await createTenant();
        // Under a 192 MB heap cap. Parsed, these 15 MB (five million empty objects, within
        // the default MESSAGE_MAX_BYTES) need some 320 MB of heap: a worker that parses before it
        // checks the signature dies, and the broker hands the message to the next one.
        const worker = await workers.start('flood', { NODE_OPTIONS: '--max-old-space-size=192' });
        const marker = randomUUID();

        publishUnsigned(
          broker,
          broker.queues.commands,
          objectFlood(marker, 15 * 1024 * 1024),
          tenantId,
          headers,
        );

        expect(await broker.deadLetterReason(marker, 30_000)).toBe(reason);
        expect(worker.timesLogged('Dead-lettered unread')).toBe(1);
        await stillServes(broker, worker, tenantId);
      })(),
  );

  it(
    'should refuse a message just over the default maximum under a 192 MB heap cap, and keep serving',
    workers.withLogs(async () => {
      const tenantId = await createTenant();
      // Under a 192 MB heap cap. Parsed, this message would need some 700 MB of heap.
      const worker = await workers.start('default-limit', { NODE_OPTIONS: '--max-old-space-size=192' });
      const marker = randomUUID();

      publishUnsigned(broker, broker.queues.commands, objectFlood(marker, DEFAULT_LIMIT + 1), tenantId);

      expect(await broker.deadLetterReason(marker)).toBe(
        `message too large: ${DEFAULT_LIMIT + 1} bytes, over MESSAGE_MAX_BYTES (${DEFAULT_LIMIT})`,
      );
      await stillServes(broker, worker, tenantId);
    }),
  );
});

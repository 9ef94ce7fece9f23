// `npm run dlq` against the real broker, worker and database: list reads without taking anything,
// replay sends back only what the gateway signed and the inbox keeps it exactly-once, purge removes
// only what its filter names.
import type { GetMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { dlqEnvSchema, parseEnv } from '@app/config';
import { queueNames } from '@app/messaging';
import { DeadLetterQueueError, runDlq, UsageError } from '@app/dead-letters';
import type { ProjectView } from '@app/projects';
import { TaskPattern } from '@app/tasks';
import { useBroker } from '../support/broker';
import { tasksOf } from '../support/database';
import { SignedPublish, signLikeGateway } from '../support/signing';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

// Short enough that a test waiting on an unanswered replay would still end in time.
process.env.DLQ_REPLAY_DEADLINE_MS = '10000';

const ATTACKER_KEY = 'an-attacker-chosen-key-0123456789abcdef';

interface Listed {
  messageId: string;
  pattern: string;
  tenantId: string;
  userId: string;
  reason: string;
}

describe('npm run dlq', () => {
  const stack = useStack();
  const broker = useBroker();
  let tenant: TenantSession;
  let projectId: string;

  async function dlq(...argv: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await runDlq(argv, parseEnv(dlqEnvSchema, process.env), (line) => lines.push(line));
    return { code, lines };
  }

  /** This test's tenant's dead letters, as `list --json` prints them. */
  async function deadLetters(...filters: string[]): Promise<Listed[]> {
    const { lines } = await dlq('list', '--json', '--tenant', tenant.tenantId, ...filters);
    return lines.map((line) => JSON.parse(line) as Listed);
  }

  const untilDeadLetters = (count: number) =>
    waitFor(async () => (await deadLetters()).length === count, 10_000, `${count} dead letter(s)`);

  /**
   * Publishes a task command as the gateway's RPC client would (a request, with a reply queue), by
   * default to the command queue, signed with a deadline already passed, so the worker dead-letters
   * it before BEGIN.
   */
  async function sendTask(
    title: string,
    options: Partial<SignedPublish> = {},
    {
      pattern = TaskPattern.Create,
      queue = broker.queues.commands,
    }: { pattern?: string; queue?: string } = {},
  ) {
    const data = { projectId, title };
    const reply = await broker.channel.assertQueue('', { exclusive: true });
    const id = randomUUID();
    const { messageId, headers, content } = signLikeGateway(pattern, data, {
      tenantId: tenant.tenantId,
      deadline: String(Date.now() - 1000),
      replyTo: reply.queue,
      correlationId: id,
      id,
      ...options,
    });
    broker.channel.sendToQueue(queue, content, {
      persistent: true,
      headers,
      messageId,
      replyTo: reply.queue,
      correlationId: id,
    });
    return messageId;
  }

  /** Adds a copy of a dead letter to the queue, putting back what it read on the way. */
  async function copyDeadLetter(messageId: string): Promise<void> {
    const read: GetMessage[] = [];
    let message: GetMessage | false;
    while ((message = await broker.channel.get(broker.queues.deadLetter, { noAck: false }))) {
      read.push(message);
      if (message.properties.messageId === messageId) {
        broker.channel.sendToQueue(broker.queues.deadLetter, message.content, message.properties);
        break;
      }
    }
    for (const taken of read) broker.channel.nack(taken, false, true);
  }

  beforeEach(async () => {
    tenant = await TenantSession.create(stack.baseUrl);
    const created = await tenant.request<ProjectView>('POST', '/projects', { name: 'dead letters' });
    projectId = created.body.id;
  });

  it('should list dead letters with their reasons, and leave every one in the queue', async () => {
    const expired = await sendTask('expired');
    const forged = await sendTask('forged', { secret: ATTACKER_KEY, deadline: String(Date.now() + 30_000) });
    const unknown = await sendTask(
      'unknown',
      { deadline: String(Date.now() + 30_000) },
      { pattern: 'tasks.nothing.v1' },
    );
    await untilDeadLetters(3);
    const before = await broker.messageCount(broker.queues.deadLetter);

    const { code, lines } = await dlq('list', '--tenant', tenant.tenantId);

    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^MESSAGE ID +PATTERN +TENANT +USER +REASON +ATTEMPTS +SIGNED AT$/);
    expect(lines.find((line) => line.includes(expired))).toMatch(/tasks\.create\.v1 .* deadline passed/);
    expect(lines.find((line) => line.includes(forged))).toMatch(/signature invalid/);
    // Nest nacks a pattern it has no handler for; RabbitMQ's x-death says why.
    expect(lines.find((line) => line.includes(unknown))).toMatch(
      /tasks\.nothing\.v1 .* rejected \(x-death\)/,
    );
    expect(lines.at(-1)).toMatch(/^3 shown of \d+ in /);
    expect(await deadLetters('--reason', 'SIGNATURE')).toEqual([
      expect.objectContaining({
        messageId: forged,
        pattern: TaskPattern.Create,
        tenantId: tenant.tenantId,
        userId: 'test-user',
        reason: 'Message rejected: signature invalid',
      }),
    ]);
    expect(await deadLetters('--id', expired, '--limit', '1')).toHaveLength(1);
    expect(await broker.messageCount(broker.queues.deadLetter)).toBe(before);
  });

  it('should replay a genuine dead letter, answered and applied, and keep a forged one dead', async () => {
    const genuine = await sendTask('replayed');
    const forged = await sendTask('forged', { secret: ATTACKER_KEY, deadline: String(Date.now() + 30_000) });
    // Dead-lettered by RabbitMQ (x-death), and refused again by the worker's Nest server when replayed.
    const unknown = await sendTask(
      'unknown',
      { deadline: String(Date.now() + 30_000) },
      { pattern: 'tasks.nothing.v1' },
    );
    await untilDeadLetters(3);

    const { code, lines } = await dlq('replay', '--tenant', tenant.tenantId);

    const commands = broker.queues.commands.replace(/\./g, '\\.');
    expect(lines.find((line) => line.includes(genuine))).toMatch(
      new RegExp(`replayed to ${commands}, answered$`),
    );
    expect(lines.find((line) => line.includes(forged))).toMatch(/kept: Message rejected: signature invalid$/);
    expect(lines.find((line) => line.includes(unknown))).toMatch(
      /replayed to \S+, refused: There is no matching message handler/,
    );
    expect(lines.at(-1)).toMatch(/^Replayed 2 of 3: 1 answered, 1 refused, .* 1 kept in /);
    expect(code).toBe(1);
    expect((await tasksOf(tenant.tenantId)).map((task) => task.title)).toEqual(['replayed']);
    const left = await untilDeadLetters(2).then(() => deadLetters());
    expect(left.map((letter) => [letter.messageId, letter.reason]).sort()).toEqual(
      [
        [forged, 'Message rejected: signature invalid'],
        [unknown, 'rejected (x-death)'],
      ].sort(),
    );
  });

  it('should send a dead job back to the jobs queue it died in', async () => {
    const jobs = queueNames(process.env.QUEUE_PREFIX ?? '').jobs;
    const messageId = await sendTask('from jobs', {}, { queue: jobs });
    await untilDeadLetters(1);

    const { code, lines } = await dlq('replay', '--id', messageId, '--json');

    expect(code).toBe(0);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ messageId, queue: jobs, kind: 'answered' }),
    ]);
    expect((await tasksOf(tenant.tenantId)).map((task) => task.title)).toEqual(['from jobs']);
  });

  it('should apply a dead letter once however often it is replayed', async () => {
    const messageId = await sendTask('once');
    await untilDeadLetters(1);
    // A replay that crashed between its publish and its ack leaves the dead letter behind: copy it.
    await copyDeadLetter(messageId);
    await copyDeadLetter(messageId);
    await untilDeadLetters(3);
    const replay = async (...argv: string[]) => {
      const { code, lines } = await dlq('replay', '--id', messageId, '--json', ...argv);
      expect(code).toBe(0);
      return lines.map((line) => JSON.parse(line) as { kind: string; response: { id: string } });
    };

    const [first] = await replay('--limit', '1');
    // Then the two copies in one run, at once: both are answered from the inbox.
    const again = await replay();

    expect(first.kind).toBe('answered');
    expect(again).toEqual([first, first]);
    expect((await tasksOf(tenant.tenantId)).map((task) => task.id)).toEqual([first.response.id]);
    expect(await deadLetters()).toEqual([]);
  });

  it('should purge only what the filter names, and nothing without a filter or --all', async () => {
    const expired = await sendTask('expired');
    await sendTask('forged', { secret: ATTACKER_KEY, deadline: String(Date.now() + 30_000) });
    await untilDeadLetters(2);

    await expect(dlq('purge')).rejects.toThrow(UsageError);
    await expect(dlq('purge', '--reason', '')).rejects.toThrow(UsageError);
    const purged = await dlq('purge', '--tenant', tenant.tenantId, '--reason', 'signature invalid');

    expect(purged.code).toBe(0);
    expect(purged.lines.at(-1)).toMatch(/^Purged 1 from /);
    expect(await deadLetters()).toEqual([expect.objectContaining({ messageId: expired })]);
    expect((await dlq('purge', '--tenant', tenant.tenantId)).lines.at(-1)).toMatch(/^Purged 1 from /);
    expect(await deadLetters()).toEqual([]);
    expect(await tasksOf(tenant.tenantId)).toEqual([]);
  });

  it('should refuse, without declaring it, a dead-letter queue that does not exist', async () => {
    const prefix = process.env.QUEUE_PREFIX;
    process.env.QUEUE_PREFIX = `${prefix}missing.`;
    try {
      await expect(dlq('list')).rejects.toThrow(DeadLetterQueueError);
      // Still missing: the first attempt declared nothing.
      await expect(dlq('list')).rejects.toThrow(/does not exist/);
    } finally {
      process.env.QUEUE_PREFIX = prefix;
    }
  });
});

import { randomUUID } from 'node:crypto';
import { ProjectPattern } from '@app/messaging';
import { Broker } from '../support/broker';
import { admin, closeAdmin, TenantSession } from '../support/tenant-session';
import { startStack, Stack } from '../support/stack';

async function rowsNamed(name: string): Promise<number> {
  const { rows } = await (
    await admin()
  ).query<{ n: string }>('SELECT count(*) AS n FROM projects WHERE name = $1', [name]);
  return Number(rows[0]?.n);
}

describe('Messages the worker must not process', () => {
  let stack: Stack;
  let broker: Broker;
  let tenant: TenantSession;

  beforeAll(async () => {
    stack = await startStack();
    broker = await Broker.connect();
    tenant = await TenantSession.create(stack.baseUrl);
  });

  afterAll(async () => {
    await broker.close();
    await stack.close();
    await closeAdmin();
  });

  const headers = (overrides: Record<string, unknown>) => ({
    'x-tenant-id': tenant.tenantId,
    'x-user-id': 'intruder',
    'x-correlation-id': randomUUID(),
    ...overrides,
  });

  it.each([
    ['no tenant header', () => ({ 'x-tenant-id': undefined })],
    ['a non-uuid tenant header', () => ({ 'x-tenant-id': 'not-a-uuid' })],
    ['an SQL-looking tenant header', () => ({ 'x-tenant-id': "' OR 1=1 --" })],
    ['no user header', () => ({ 'x-user-id': undefined })],
    ['a deadline in the past', () => ({ 'x-deadline': String(Date.now() - 1000) })],
  ])('should dead-letter a create with %s and write nothing', async (_case, override) => {
    const name = `dl-${randomUUID()}`;
    const hdrs = headers(override());
    for (const key of Object.keys(hdrs))
      if (hdrs[key as keyof typeof hdrs] === undefined) delete hdrs[key as keyof typeof hdrs];
    broker.publish(ProjectPattern.Create, { name }, { headers: hdrs });

    const dead = await broker.takeDeadLetter(name);
    expect(dead.properties.headers?.['x-death']?.[0]).toMatchObject({ reason: 'rejected' });
    expect(await rowsNamed(name)).toBe(0);
  });

  it('should dead-letter a request (with reply expected) that carries no tenant, and answer it', async () => {
    const name = `dl-${randomUUID()}`;
    const reply = await broker.channel.assertQueue('', { exclusive: true, autoDelete: true });
    const id = randomUUID();
    broker.publish(ProjectPattern.Create, { name }, { replyTo: reply.queue, correlationId: id }, id);

    await broker.takeDeadLetter(name);
    const answer = await waitFor(() => broker.channel.get(reply.queue, { noAck: true }));
    expect(JSON.parse(answer.content.toString())).toMatchObject({
      err: { code: 'invalid_input', message: expect.stringContaining('x-tenant-id') },
    });
    expect(await rowsNamed(name)).toBe(0);
  });

  it('should dead-letter an invalid payload and an unknown pattern', async () => {
    const name = `dl-${randomUUID()}`;
    broker.publish(ProjectPattern.Create, { name, tenantId: randomUUID() }, { headers: headers({}) });
    broker.publish('projects.drop-everything.v1', { name: `${name}-unknown` }, { headers: headers({}) });
    await broker.takeDeadLetter(`"${name}"`);
    await broker.takeDeadLetter(`${name}-unknown`);
    expect(await rowsNamed(name)).toBe(0);
  });

  it('should settle every message: none is left on the queue once the worker stops', async () => {
    const name = `ok-${randomUUID()}`;
    broker.publish(ProjectPattern.Create, { name }, { headers: headers({}) });
    broker.publish(
      ProjectPattern.Create,
      { name: `${name}-bad` },
      { headers: headers({ 'x-tenant-id': 'nope' }) },
    );
    await broker.takeDeadLetter(`${name}-bad`);
    await waitFor(async () => ((await rowsNamed(name)) === 1 ? true : undefined));

    await stack.worker?.close();
    stack.worker = undefined;
    // Unacked deliveries return to the queue when their consumer goes; none may be there.
    expect(await broker.messageCount(broker.queues.projects)).toBe(0);
  });
});

async function waitFor<T>(
  probe: () => Promise<T | false | undefined | null>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

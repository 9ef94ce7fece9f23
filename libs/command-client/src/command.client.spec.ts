import { AsyncLocalStorage } from 'node:async_hooks';
import { ClientProxy } from '@nestjs/microservices';
import { ClsService } from 'nestjs-cls';
import { BehaviorSubject, NEVER, Observable, of, throwError } from 'rxjs';
import { DomainError, ErrorCode, UnavailableError } from '@app/errors';
import { DEFAULT_QUEUE_SETTINGS } from '@app/messaging';
import { TenantContextService } from '@app/tenancy';
import { CommandClient } from './command.client';
import { CommandRecord } from './command-transport';
import { messageIdFor } from './idempotency-key';

const TENANT = '77777777-7777-4777-8777-777777777777';

function setup(reply: () => Observable<unknown>, maxInFlight = 10) {
  const status = new BehaviorSubject<string>('connected');
  const send = jest.fn((_pattern: string, _record: unknown) => reply());
  const transport = { send, status } as unknown as ClientProxy;
  const cls = new ClsService(new AsyncLocalStorage());
  const tenantContext = new TenantContextService(cls);
  const client = new CommandClient(
    transport,
    {
      url: 'amqp://x',
      queuePrefix: '',
      queues: DEFAULT_QUEUE_SETTINGS,
      timeoutMs: 200,
      maxInFlight,
      signingSecret: 's',
    },
    tenantContext,
    cls,
  );
  const asTenant = <T>(work: () => Promise<T>) =>
    cls.run(() => {
      tenantContext.set({ tenantId: TENANT, userId: 'u', correlationId: 'c' });
      return work();
    });
  return { client, send, status, asTenant };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe(CommandClient.name, () => {
  it('should return the worker’s answer', async () => {
    const { client, asTenant } = setup(() => of({ id: 'p1' }));
    await expect(asTenant(() => client.send('projects.get.v1', { id: 'p1' }))).resolves.toEqual({ id: 'p1' });
  });

  it('should turn a worker’s error body into its domain error', async () => {
    const { client, asTenant } = setup(() =>
      throwError(() => ({ code: 'not_found', message: 'Project not found' })),
    );
    const err = await failure(asTenant(() => client.send('projects.get.v1', {})));
    expect([err.code, err.message]).toEqual([ErrorCode.NotFound, 'Project not found']);
  });

  it.each([
    ['a lost connection (Nest rejects with a string)', 'Error: Connection lost. Trying to reconnect...'],
    ['a publish the broker did not confirm', new Error('message nacked')],
    ['a closed channel', new Error('channel closed')],
  ])('should answer %s with 503 and a delay to retry after', async (_case, error) => {
    const { client, asTenant } = setup(() => throwError(() => error));
    const err = await failure(asTenant(() => client.send('projects.create.v1', {})));
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('should hand the transport a command whose headers carry every field its signature covers', async () => {
    const { client, send, asTenant } = setup(() => of('ok'));

    await asTenant(() => client.send('projects.create.v1', { name: 'Apollo' }));

    const record = send.mock.calls[0][1] as CommandRecord;
    expect(record).toBeInstanceOf(CommandRecord);
    expect(record.data).toEqual({ name: 'Apollo' });
    expect(record.options?.headers).toMatchObject({
      'x-tenant-id': TENANT,
      'x-user-id': 'u',
      'x-signed-at': expect.stringMatching(/^\d+$/),
      'x-deadline': expect.stringMatching(/^\d+$/),
    });
    expect(record.request).toEqual({ tenantId: TENANT, messageId: record.options?.messageId });
  });

  it('should answer 503 when the worker does not answer in time', async () => {
    const { client, asTenant } = setup(() => NEVER);
    const err = await failure(asTenant(() => client.send('projects.create.v1', {})));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toMatch(/did not answer within 200 ms/);
  });

  it('should answer 503 at once, without publishing, while the broker is down or blocked', async () => {
    const { client, send, status, asTenant } = setup(() => of('never'));
    for (const state of ['disconnected', 'blocked']) {
      status.next(state);
      expect(await failure(asTenant(() => client.send('projects.create.v1', {})))).toBeInstanceOf(
        UnavailableError,
      );
    }
    expect(send).not.toHaveBeenCalled();
    status.next('unblocked');
    await expect(asTenant(() => client.send('projects.create.v1', {}))).resolves.toBe('never');
  });

  it('should answer 503 at once past the bound of requests in flight, and take more once they finish', async () => {
    const { client, asTenant } = setup(() => NEVER, 2);
    const waiting = [1, 2].map(() => asTenant(() => client.send('projects.create.v1', {})));
    const refused = await failure(asTenant(() => client.send('projects.create.v1', {})));
    expect(refused.message).toMatch(/Too many requests/);
    await Promise.allSettled(waiting);
    // Taken this time: it waits for the worker, and times out like any unanswered command.
    const later = await failure(asTenant(() => client.send('projects.create.v1', {})));
    expect(later.message).toMatch(/did not answer within/);
  });

  it('should send a command under an Idempotency-Key with the id the key and tenant give', async () => {
    const { client, send, asTenant } = setup(() => of('ok'));
    const cls = (client as unknown as { cls: ClsService }).cls;
    const idOf = () => (send.mock.calls.at(-1)?.[1] as { options: { messageId: string } }).options.messageId;

    await asTenant(() => client.send('projects.create.v1', {}));
    const fresh = idOf();
    await asTenant(() => {
      cls.set('idempotencyKey', 'order-42');
      return client.send('projects.create.v1', {});
    });
    const keyed = idOf();
    await asTenant(() => {
      cls.set('idempotencyKey', 'order-42');
      return client.send('projects.create.v1', {});
    });

    expect(keyed).toBe(messageIdFor(TENANT, 'order-42'));
    expect(idOf()).toBe(keyed);
    expect(fresh).not.toBe(keyed);
  });
});

import type { CommandClient } from '@app/command-client';
import type { StoredRateLimit } from './rate-limits.contract';
import { TenantBudgets } from './tenant-budgets';

const DEFAULTS = { rps: 200, burst: 400 };
const TENANT = '4f1c2a4e-7d2b-4c7e-9a43-0b1f7c3e2d11';

/** A CommandClient whose answers the test gives, one lookup at a time. */
function fakeCommands() {
  const pending: { resolve: (v: StoredRateLimit) => void; reject: (e: Error) => void }[] = [];
  const client = {
    send: jest.fn(() => new Promise<StoredRateLimit>((resolve, reject) => pending.push({ resolve, reject }))),
  };
  const settle = async (answer: StoredRateLimit | Error) => {
    const next = pending.shift()!;
    if (answer instanceof Error) next.reject(answer);
    else next.resolve(answer);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { client, settle };
}

describe('TenantBudgets', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  function budgets() {
    const { client, settle } = fakeCommands();
    const subject = new TenantBudgets(
      { defaults: DEFAULTS, cacheMs: 30_000 },
      client as unknown as CommandClient,
    );
    return { subject, client, settle };
  }

  it("should apply the defaults until a worker answers, then the tenant's own until the cache ends", async () => {
    const { subject, client, settle } = budgets();
    expect(subject.of(TENANT)).toEqual(DEFAULTS);
    expect(subject.of(TENANT)).toEqual(DEFAULTS);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.send).toHaveBeenCalledTimes(1); // one lookup at a time
    await settle({ rps: 2, burst: 3 });
    expect(subject.of(TENANT)).toEqual({ rps: 2, burst: 3 });

    jest.advanceTimersByTime(30_001);
    expect(subject.of(TENANT)).toEqual({ rps: 2, burst: 3 }); // the old one while asking again
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.send).toHaveBeenCalledTimes(2);
    await settle({ rps: null, burst: null }); // cleared with --default
    expect(subject.of(TENANT)).toEqual(DEFAULTS);
  });

  it('should keep what it had when a lookup fails, and ask again a few seconds later', async () => {
    const { subject, client, settle } = budgets();
    subject.of(TENANT);
    await new Promise((resolve) => setImmediate(resolve));
    await settle(new Error('workers unavailable'));
    expect(subject.of(TENANT)).toEqual(DEFAULTS);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.send).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(5_001);
    subject.of(TENANT);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.send).toHaveBeenCalledTimes(2);
  });

  it('should refuse to be asked when limits are off', () => {
    const subject = new TenantBudgets({ cacheMs: 30_000 }, fakeCommands().client as unknown as CommandClient);
    expect(() => subject.of(TENANT)).toThrow('rate limits are off');
  });
});

import { Logger } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { JwksKeyStore, KeySource } from './jwks-key-store';

const POLICY = { cooldownMs: 10_000, refreshMs: 300_000, maxAgeMs: 3_600_000 };

// As PEM from the start: exporting a KeyObject that the generation job still shares can deadlock
// Node 20 if a garbage collection runs inside the export (see test/security/jwt-jwks.spec.ts).
function publicKey(): string {
  return generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).publicKey;
}

/** An identity provider whose published keys a test changes, counting its fetches. */
class FakeProvider implements KeySource {
  published = new Map<string, string>([['k1', publicKey()]]);
  fetches = 0;
  down = false;

  getSigningKeys() {
    this.fetches++;
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:443'));
    return Promise.resolve([...this.published].map(([kid, pem]) => ({ kid, getPublicKey: () => pem })));
  }
}

describe(JwksKeyStore.name, () => {
  let provider: FakeProvider;
  let store: JwksKeyStore;

  beforeEach(() => {
    jest.useFakeTimers();
    provider = new FakeProvider();
    store = new JwksKeyStore(provider, POLICY);
  });

  afterEach(() => {
    store.close();
    jest.useRealTimers();
  });

  it('should fetch on the first lookup and serve known kids from memory after', async () => {
    expect(await store.keyFor('k1')).toBeDefined();
    expect(await store.keyFor('k1')).toBeDefined();

    expect(provider.fetches).toBe(1);
  });

  it('should let concurrent unknown kids share one fetch', async () => {
    const keys = await Promise.all([store.keyFor('k1'), store.keyFor('x'), store.keyFor('y')]);

    expect(keys.map(Boolean)).toEqual([true, false, false]);
    expect(provider.fetches).toBe(1);
  });

  it('should fetch at most once per cool-down however many unknown kids come', async () => {
    await store.keyFor('k1');
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 20; i++) expect(await store.keyFor(`random-${second}-${i}`)).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1000);
    }

    // The first fetch, then one per 10 s cool-down for a minute of misses.
    expect(provider.fetches).toBeLessThanOrEqual(1 + 6);
    expect(await store.keyFor('k1')).toBeDefined();
  });

  it('should serve a rotated key within a cool-down, even right after a flood of unknown kids', async () => {
    await store.keyFor('k1');
    await jest.advanceTimersByTimeAsync(POLICY.cooldownMs);
    for (let i = 0; i < 100; i++) await store.keyFor(`random-${i}`);
    provider.published.set('k2', publicKey());

    expect(await store.keyFor('k2')).toBeUndefined(); // still cooling down from the flood's fetch
    await jest.advanceTimersByTimeAsync(POLICY.cooldownMs);

    expect(await store.keyFor('k2')).toBeDefined();
  });

  it('should refresh on its period: new keys arrive and removed ones go without any token asking', async () => {
    await store.keyFor('k1');
    provider.published = new Map([['k2', publicKey()]]);

    await jest.advanceTimersByTimeAsync(POLICY.refreshMs);

    expect(provider.fetches).toBe(2);
    expect(await store.keyFor('k2')).toBeDefined();
    const fetches = provider.fetches;
    expect(await store.keyFor('k1')).toBeUndefined(); // unknown now; within the cool-down, no fetch
    expect(provider.fetches).toBe(fetches);
  });

  it('should keep the last keys while the provider is down, up to their maximum age', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await store.keyFor('k1');
    provider.down = true;

    await jest.advanceTimersByTimeAsync(POLICY.refreshMs);
    expect(await store.keyFor('k1')).toBeDefined();

    await jest.advanceTimersByTimeAsync(POLICY.maxAgeMs);
    expect(await store.keyFor('k1')).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
    warn.mockRestore();
  });

  it('should serve a token without kid only from a provider with a single key', async () => {
    expect(await store.keyFor(undefined)).toBeDefined();

    provider.published.set('k2', publicKey());
    await jest.advanceTimersByTimeAsync(POLICY.refreshMs);

    expect(await store.keyFor(undefined)).toBeUndefined();
  });
});

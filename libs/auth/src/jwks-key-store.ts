import { Logger } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';

/** Where the keys come from: jwks-rsa's JwksClient (fetch, parse, filter to signing keys). */
export interface KeySource {
  getSigningKeys(): Promise<Array<{ kid?: string; getPublicKey(): string }>>;
}

export interface JwksPolicy {
  /** Least time between two fetches caused by tokens naming a kid the store does not know. */
  cooldownMs: number;
  /** The keys are fetched on this period whatever comes, so removed keys go and new ones arrive. */
  refreshMs: number;
  /** Keys last fetched longer ago than this are not trusted (the provider has been down that long). */
  maxAgeMs: number;
}

/**
 * The identity provider's keys, refetched on a timer and on an unknown kid.
 *
 * Hand-written because jwks-rsa's own cache fetches once per unknown kid under a rate limit that
 * every caller shares: tokens with random kids, which anyone can send unauthenticated, spend that
 * budget, and a genuine rotation is then refused until it refills. Here any number of unknown kids
 * cause at most one fetch per cool-down, shared by all callers; an unknown kid seen during the
 * cool-down schedules one fetch at its end, so a rotated key is served within a cool-down.
 */
export class JwksKeyStore {
  private readonly logger = new Logger('Jwks');
  private keys: Array<{ kid?: string; key: KeyObject }> = [];
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private fetching?: Promise<void>;
  private trailing?: NodeJS.Timeout;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly source: KeySource,
    private readonly policy: JwksPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.refresh(), policy.refreshMs).unref();
  }

  /** The key for a token's kid (without a kid: the only key, if there is one), or undefined. */
  async keyFor(kid: string | undefined): Promise<KeyObject | undefined> {
    const known = this.find(kid);
    if (known) return known;
    const wait = this.attemptedAt + this.policy.cooldownMs - this.now();
    if (!this.fetching && wait > 0) {
      this.trailing ??= setTimeout(() => {
        this.trailing = undefined;
        void this.refresh();
      }, wait).unref();
      return undefined;
    }
    // Joins the fetch under way, if there is one.
    await this.refresh();
    return this.find(kid);
  }

  close(): void {
    clearInterval(this.timer);
    clearTimeout(this.trailing);
  }

  private find(kid: string | undefined): KeyObject | undefined {
    if (this.now() - this.fetchedAt > this.policy.maxAgeMs) return undefined;
    if (kid === undefined) return this.keys.length === 1 ? this.keys[0].key : undefined;
    return this.keys.find((entry) => entry.kid === kid)?.key;
  }

  private refresh(): Promise<void> {
    this.fetching ??= this.fetch().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetch(): Promise<void> {
    this.attemptedAt = this.now();
    try {
      const keys = await this.source.getSigningKeys();
      // Parsed once here, not by jsonwebtoken on every verify.
      this.keys = keys.map((key) => ({ kid: key.kid, key: createPublicKey(key.getPublicKey()) }));
      this.fetchedAt = this.now();
    } catch (err) {
      // The last keys stay in use (up to maxAgeMs): the provider may well be back before then.
      this.logger.warn(`Could not fetch the identity provider's keys: ${String(err)}`);
    }
  }
}

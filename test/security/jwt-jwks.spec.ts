// Threat: a forged, replayed-after-expiry or confused token. With an identity provider's JWKS the
// gateway must accept only RS256/ES256 tokens signed by a published key, for the configured issuer
// and audience, and reject everything else with 401 before anything reaches the broker.
import { createHmac, generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sign, SignOptions } from 'jsonwebtoken';
import { createTenant } from '../support/database';
import { useStack } from '../support/stack';
import { request } from '../support/tenant-session';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'tenantry-api';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  alg: 'RS256' | 'ES256';
}

function rsaKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey, alg: 'RS256' };
}

function ecKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, publicKey, alg: 'ES256' };
}

/** A tiny identity provider: serves whatever keys are published at the moment. */
class FakeJwks {
  published: SigningKey[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((_req, res) => {
      const keys = this.published.map((k) => ({
        ...k.publicKey.export({ format: 'jwk' }),
        kid: k.kid,
        alg: k.alg,
        use: 'sig',
      }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

function token(key: SigningKey, claims: Record<string, unknown>, options: SignOptions = {}): string {
  return sign({ email: 'user@example.com', ...claims }, key.privateKey, {
    algorithm: key.alg,
    keyid: key.kid,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: 'user-1',
    expiresIn: 300,
    ...options,
  });
}

/** HS256 "signed" with the provider's public key as the HMAC secret: the classic confusion attack. */
function confusedToken(key: SigningKey, tenantId: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${part({ tenantId, sub: 'x', email: 'e', iss: ISSUER, aud: AUDIENCE, exp: now + 300 })}`;
  const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('JWT verification against an identity provider (JWKS)', () => {
  const jwks = new FakeJwks();
  const rsa = rsaKey('rsa-1');
  const ec = ecKey('ec-1');
  let tenantId: string;

  // Registered before useStack, whose beforeAll starts the gateway that reads these settings.
  beforeAll(async () => {
    jwks.published = [rsa, ec];
    process.env.JWT_JWKS_URI = await jwks.start();
    process.env.JWT_ISSUER = ISSUER;
    process.env.JWT_AUDIENCE = AUDIENCE;
  });
  const stack = useStack();

  beforeAll(async () => {
    tenantId = await createTenant();
  });

  afterAll(async () => {
    await jwks.stop();
  });

  const get = (bearer: string) =>
    request(stack.baseUrl, 'GET', '/projects', undefined, { authorization: `Bearer ${bearer}` });

  it.each([
    ['an RS256 token', () => token(rsa, { tenantId })],
    ['an ES256 token', () => token(ec, { tenantId })],
    ['a token that expired within the clock tolerance', () => token(rsa, { tenantId }, { expiresIn: -2 })],
  ])('should accept %s from a published key', async (_case, make) => {
    expect((await get(make())).status).toBe(200);
  });

  it.each([
    ['an RS256-to-HS256 confusion token', () => confusedToken(rsa, tenantId)],
    [
      'an unsigned token (alg none)',
      () =>
        sign({ tenantId, sub: 's', email: 'e', iss: ISSUER, aud: AUDIENCE }, null, {
          algorithm: 'none',
          expiresIn: 60,
        }),
    ],
    ['a token from an unpublished key', () => token(rsaKey('rsa-1'), { tenantId })],
    ['a token with an unknown kid', () => token(rsaKey('rogue'), { tenantId })],
    ['a token for another issuer', () => token(rsa, { tenantId }, { issuer: 'https://evil.example/' })],
    ['a token for another audience', () => token(rsa, { tenantId }, { audience: 'someone-else' })],
    ['an expired token', () => token(rsa, { tenantId }, { expiresIn: -600 })],
    ['a token not valid yet', () => token(rsa, { tenantId }, { notBefore: 600 })],
    ['a token without tenantId', () => token(rsa, {})],
    ['a token with a non-uuid tenantId', () => token(rsa, { tenantId: "' OR 1=1 --" })],
    [
      'a token with a tampered payload',
      () => {
        const [h, , s] = token(rsa, { tenantId }).split('.');
        const forged = Buffer.from(
          JSON.stringify({
            tenantId: randomUUID(),
            sub: 'x',
            email: 'e',
            iss: ISSUER,
            aud: AUDIENCE,
            exp: 9_999_999_999,
          }),
        ).toString('base64url');
        return `${h}.${forged}.${s}`;
      },
    ],
  ])('should answer 401 to %s', async (_case, make) => {
    const res = await get(make());
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('should follow a key rotation at the identity provider', async () => {
    const next = rsaKey('rsa-2');
    expect((await get(token(next, { tenantId }))).status).toBe(401);
    jwks.published = [next, rsa, ec];
    // jwks-rsa refetches the set when a token names a kid it has not seen (rate-limited).
    expect((await get(token(next, { tenantId }))).status).toBe(200);
  });
});

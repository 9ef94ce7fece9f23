import { JsonWebTokenError, verify } from 'jsonwebtoken';
import { readClaims, signAccessToken } from './access-token';
import { hs256Key, JWT_ALGORITHM } from './jwt-key';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const TENANT = '9b2f1c1e-5d3a-4c8e-8f0a-2b7e4d6c9a10';

const valid = { sub: 'user-1', email: 'ada@example.com', tenantId: TENANT, exp: 2_000_000_000 };

describe(signAccessToken.name, () => {
  it('should sign a token that verifies with the same key and round-trips the claims', () => {
    const key = hs256Key(SECRET);
    const before = Math.floor(Date.now() / 1000);

    const token = signAccessToken(
      { tenantId: TENANT, sub: 'user-1', email: 'ada@example.com', ttl: '1h' },
      key,
    );
    const claims = readClaims(verify(token, key, { algorithms: [JWT_ALGORITHM] }));

    expect(claims).toEqual({
      sub: 'user-1',
      email: 'ada@example.com',
      tenantId: TENANT,
      exp: expect.any(Number),
    });
    const { exp } = claims as { exp: number };
    expect(exp).toBeGreaterThanOrEqual(before + 3600);
    expect(exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
  });

  it('should lower-case the tenant id it signs', () => {
    const key = hs256Key(SECRET);

    const token = signAccessToken({ tenantId: TENANT.toUpperCase(), sub: 's', email: 'e@x', ttl: 60 }, key);

    expect(verify(token, key, { algorithms: [JWT_ALGORITHM] })).toMatchObject({ tenantId: TENANT });
  });

  it('should produce a token that another key does not verify', () => {
    const token = signAccessToken({ tenantId: TENANT, sub: 's', email: 'e@x', ttl: 60 }, hs256Key(SECRET));

    expect(() => verify(token, hs256Key(`${SECRET}-other`), { algorithms: [JWT_ALGORITHM] })).toThrow(
      JsonWebTokenError,
    );
  });

  it.each([
    ['sub', { sub: 'a\nb' }],
    ['sub', { sub: '' }],
    ['email', { email: 'e\r\n@x' }],
    ['email', { email: `${'e'.repeat(320)}@x` }],
  ])('should refuse a %s the gateway would refuse', (claim, bad) => {
    const request = { tenantId: TENANT, sub: 's', email: 'e@x', ttl: 60, ...bad };

    expect(() => signAccessToken(request, hs256Key(SECRET))).toThrow(new RegExp(`^${claim} must be`));
  });

  it.each([['tenant-a'], [''], [`${TENANT}x`]])('should refuse the non-uuid tenant %p', (tenantId) => {
    expect(() => signAccessToken({ tenantId, sub: 's', email: 'e@x', ttl: 60 }, hs256Key(SECRET))).toThrow(
      'tenantId must be a uuid',
    );
  });
});

describe(readClaims.name, () => {
  it('should return the claims the gateway relies on', () => {
    expect(readClaims({ ...valid, iat: 1, extra: true })).toEqual(valid);
  });

  it('should lower-case the tenant id', () => {
    expect(readClaims({ ...valid, tenantId: TENANT.toUpperCase() })).toEqual(valid);
  });

  it('should accept claims at their longest, and any printable text', () => {
    const claims = { ...valid, sub: 's'.repeat(200), email: `${'é'.repeat(318)}@x` };
    expect(readClaims(claims)).toEqual(claims);
    expect(readClaims({ ...valid, sub: 'auth0|Zoë 東京 👩‍💻' })).toMatchObject({ sub: 'auth0|Zoë 東京 👩‍💻' });
  });

  it.each([
    ['null', null, 'token payload is not an object'],
    ['a string', 'a.b.c', 'token payload is not an object'],
    ['a missing sub', { ...valid, sub: undefined }, 'token has no valid sub claim'],
    ['an empty sub', { ...valid, sub: '' }, 'token has no valid sub claim'],
    ['a numeric sub', { ...valid, sub: 12 }, 'token has no valid sub claim'],
    ['an oversized sub', { ...valid, sub: 's'.repeat(201) }, 'token has no valid sub claim'],
    ['a missing email', { ...valid, email: undefined }, 'token has no valid email claim'],
    ['an oversized email', { ...valid, email: `${'e'.repeat(320)}@x` }, 'token has no valid email claim'],
    ['a missing tenantId', { ...valid, tenantId: undefined }, 'token has no valid tenantId claim'],
    ['a non-uuid tenantId', { ...valid, tenantId: 'acme' }, 'token has no valid tenantId claim'],
    ['a missing exp', { ...valid, exp: undefined }, 'token has no exp claim'],
    ['a sub with a newline', { ...valid, sub: 'user-1\n[Nest] forged' }, 'token has no valid sub claim'],
    ['a sub with a carriage return', { ...valid, sub: 'user-1\r' }, 'token has no valid sub claim'],
    ['a sub with NUL', { ...valid, sub: 'user\u0000-1' }, 'token has no valid sub claim'],
    ['a sub with ESC', { ...valid, sub: '\u001b[2Juser' }, 'token has no valid sub claim'],
    ['a sub with a C1 control', { ...valid, sub: 'user\u0085' }, 'token has no valid sub claim'],
    ['a sub with a bidi override', { ...valid, sub: 'user\u202e1-nimda' }, 'token has no valid sub claim'],
    ['a sub with a line separator', { ...valid, sub: 'user\u2028' }, 'token has no valid sub claim'],
    ['a sub with a lone surrogate', { ...valid, sub: 'user\ud800' }, 'token has no valid sub claim'],
    ['an email with a newline', { ...valid, email: 'ada@example.com\nx' }, 'token has no valid email claim'],
    ['an email with a tab', { ...valid, email: 'ada@\texample.com' }, 'token has no valid email claim'],
    ['a numeric email', { ...valid, email: 42 }, 'token has no valid email claim'],
    ['a string exp', { ...valid, exp: '2000000000' }, 'token has no exp claim'],
  ])('should reject %s', (_label, payload, reason) => {
    expect(readClaims(payload)).toBe(reason);
  });
});

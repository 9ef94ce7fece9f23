// Threat: a token whose claims carry control characters (a newline to forge a log line, ESC for a
// terminal, NUL, C1 controls, bidi overrides to disguise a user, line separators, lone surrogates)
// or are far longer than any real one. The sub is copied into a message header, the signed string
// and log lines: such a token must be refused with 401 at the gateway, and nothing published.
// The gateway runs alone here, so a command it did publish would stay in the queue.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { useBroker } from '../support/broker';
import { createTenant } from '../support/database';
import { useStack } from '../support/stack';
import { request } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

const RUNS = 300;
process.env.RPC_TIMEOUT_MS = '500';

const codePoint = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** One character a claim must not hold. */
const unprintable = fc.oneof(
  codePoint(0x00, 0x1f), // C0, newline and carriage return among them
  fc.constant('\u007f'),
  codePoint(0x80, 0x9f), // C1
  fc.constantFrom('\u200e', '\u200f', '\u061c'), // direction marks
  codePoint(0x202a, 0x202e), // bidi embeddings and overrides
  codePoint(0x2066, 0x2069), // bidi isolates
  fc.constantFrom('\u2028', '\u2029'),
  // A lone surrogate: fenced, so that two drawn side by side never make a valid pair.
  codePoint(0xd800, 0xdbff).map((high) => `${high}!`),
  codePoint(0xdc00, 0xdfff).map((low) => `!${low}`),
);

/** A claim value like a real one, with unprintable characters put in anywhere. */
const tainted = fc
  .tuple(
    fc.string({ maxLength: 40 }),
    fc.array(unprintable, { minLength: 1, maxLength: 3 }),
    fc.string({ maxLength: 40 }),
  )
  .map(([before, bad, after]) => `${before}${bad.join('')}${after}`);

const forgedLogLine = fc.constantFrom(
  'user-1\n[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG [Messages] forged',
  'user-1\r\n[Nest] 1  - 01/01/2026, 0:00:00 AM   ERROR [Auth] forged',
  '\u001b[2J\u001b[Hadmin',
  'admin\u202e1-resu',
);

type Claims = { sub: string; email: string; broken: 'sub' | 'email' };

// The sub becomes x-user-id, which the worker takes up to 200 characters; an email has at most 320.
const clean = { sub: fc.string({ minLength: 1, maxLength: 40 }), email: fc.constant('user@example.com') };
const printable = (minLength: number, maxLength: number) =>
  fc.string({ minLength, maxLength, unit: codePoint(0x20, 0x7e) });

const hostileClaims: fc.Arbitrary<Claims> = fc.oneof(
  fc.record({
    sub: fc.oneof(tainted, forgedLogLine),
    email: clean.email,
    broken: fc.constant('sub' as const),
  }),
  fc.record({ sub: printable(201, 2000), email: clean.email, broken: fc.constant('sub' as const) }),
  fc.record({
    sub: clean.sub,
    email: fc.oneof(tainted, forgedLogLine),
    broken: fc.constant('email' as const),
  }),
  fc.record({ sub: clean.sub, email: printable(321, 2000), broken: fc.constant('email' as const) }),
  // Both broken: the sub is checked first.
  fc.record({ sub: tainted, email: tainted, broken: fc.constant('sub' as const) }),
);

const route = fc.constantFrom(
  { method: 'GET', path: '/projects' },
  { method: 'POST', path: '/projects', body: { name: 'from a hostile token' } },
  { method: 'GET', path: `/projects/${randomUUID()}` },
  { method: 'DELETE', path: `/projects/${randomUUID()}` },
  { method: 'GET', path: '/jobs' },
);

describe('Tokens whose claims hold control characters or are over-long', () => {
  const stack = useStack({ worker: false });
  const broker = useBroker();
  let tenantId: string;

  beforeAll(async () => {
    tenantId = await createTenant();
  });

  const tokenWith = ({ sub, email }: { sub: string; email: string }) =>
    sign({ tenantId, email }, process.env.JWT_SECRET ?? '', {
      algorithm: 'HS256',
      subject: sub,
      expiresIn: '5m',
    });

  /** Commands published so far: on the queue, or expired from it into the dead letters. */
  const published = async () =>
    (await broker.messageCount(broker.queues.commands)) +
    (await broker.messageCount(broker.queues.deadLetter));

  it('should answer 401 naming the broken claim, and publish nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileClaims, route, async (claims, { method, path, body }) => {
        const res = await request(stack.baseUrl, method, path, body, {
          authorization: `Bearer ${tokenWith(claims)}`,
        });
        expect(res).toEqual({
          status: 401,
          body: {
            statusCode: 401,
            message: `token has no valid ${claims.broken} claim`,
            error: 'Unauthorized',
          },
        });
      }),
      { numRuns: RUNS },
    );
    expect(await published()).toBe(0);
  });

  // The control case: the same token with printable claims of allowed length passes the gateway,
  // so the property above would have seen a published command had one got through.
  it('should let printable claims at their longest through to the queue', async () => {
    const claims = { sub: `${'s'.repeat(190)} Zoë 東京`, email: `${'e'.repeat(300)}@example.com` };

    const res = await request(stack.baseUrl, 'GET', '/projects', undefined, {
      authorization: `Bearer ${tokenWith(claims)}`,
    });

    expect(res.status).toBe(503); // no worker here to answer
    await waitFor(async () => (await published()) === 1, 5000, 'the command published');
  });
});

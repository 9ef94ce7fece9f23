// Threat: a client-chosen x-correlation-id that is long, holds quotes, spaces or bytes outside
// ASCII, meant to bloat or forge log lines and the AMQP header it travels in. The gateway keeps a
// sane one as it is and replaces any other with a uuid, on every response, errors included.
import fc from 'fast-check';
import { useStack } from '../support/stack';

const RUNS = 150;
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// What fetch lets a header value be: Latin-1 without NUL, CR, LF or DEL, and no outer whitespace.
const headerChar = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((code) => code !== 0x7f)
  .map((code) => String.fromCharCode(code));

describe('x-correlation-id from a client', () => {
  const stack = useStack({ worker: false });

  it('should come back as it was when sane, and as a new uuid otherwise, on any route', async () => {
    const given = fc.oneof(
      fc.stringMatching(SANE),
      fc.string({ unit: headerChar, maxLength: 300 }).map((s) => s.trim()),
      fc.constantFrom('x'.repeat(129), '"forged":"x"', 'a\tb', 'ünïcödé', '../../etc/passwd', '{}'),
    );
    const route = fc.constantFrom('/health', '/projects', '/no-such-route', '/projects/not-a-uuid');

    await fc.assert(
      fc.asyncProperty(given, route, async (id, path) => {
        const res = await fetch(`${stack.baseUrl}${path}`, { headers: { 'x-correlation-id': id } });
        await res.arrayBuffer();
        const returned = res.headers.get('x-correlation-id');
        if (SANE.test(id)) expect(returned).toBe(id);
        else expect(returned).toMatch(UUID);
      }),
      { numRuns: RUNS },
    );
  });

  it('should make a new one for each request that brings none', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async () => (await fetch(`${stack.baseUrl}/projects`)).headers.get('x-correlation-id')),
    );

    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
  });
});

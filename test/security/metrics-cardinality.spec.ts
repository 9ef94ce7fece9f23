// Threat: metrics whose label values come from the client or a publisher. A raw URL, a pattern or a
// dead-letter reason taken as a label would let anyone mint series at will (Prometheus's memory, the
// scrape's size), and put ids and payload text into a public endpoint. Label values must come from
// the routes, the handlers and fixed sets only, whatever arrives.
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_REASONS } from '@app/message-pipeline';
import { useBroker } from '../support/broker';
import { createTenant } from '../support/database';
import { junkSegment, printableAscii } from '../support/hostile-input';
import { samples, scrape } from '../support/prometheus';
import { useStack, workerHttpUrl } from '../support/stack';
import { tokenFor } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

const RUNS = { paths: 120, patterns: 40 } as const;
// A route pattern: literal segments of lower-case words, or :parameters.
const ROUTE_PATTERN = /^(\/(:[a-zA-Z]+|[a-z][a-z-]*))+$/;

function labelValues(text: string, metric: string, label: string): Set<string> {
  return new Set(samples(text).filter((s) => s.name === metric).map((s) => s.labels[label]));
}

describe('Metric labels under hostile input', () => {
  const stack = useStack();
  const broker = useBroker();

  it('should label every request by a route pattern or `unmatched`, never by what the client sent', async () => {
    const token = tokenFor(await createTenant());
    const segment = fc.oneof(junkSegment, fc.uuid().map(String), printableAscii(30).filter((s) => s.length > 0));
    const sent = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'),
        fc.constantFrom('', '/projects', '/jobs', '/health', '/metrics'),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (method, root, segments, withToken) => {
          const path = `${root}/${segments.map(encodeURIComponent).join('/')}`;
          segments.forEach((s) => s.length >= 8 && sent.add(encodeURIComponent(s)));
          const res = await fetch(`${stack.baseUrl}${path}`, {
            method,
            headers: withToken ? { authorization: `Bearer ${token}` } : {},
          });
          expect(res.status).toBeLessThan(500);
          await res.arrayBuffer();
        },
      ),
      { numRuns: RUNS.paths },
    );

    const text = await scrape(stack.baseUrl);
    const routes = labelValues(text, 'tenantry_http_request_duration_seconds_count', 'route');
    for (const route of routes) expect(route === 'unmatched' || ROUTE_PATTERN.test(route)).toBe(true);
    expect(routes.size).toBeLessThanOrEqual(40);
    for (const fragment of sent) expect(text).not.toContain(fragment);
  });

  it('should label messages by handler pattern and dead letters by a fixed reason, whatever is published', async () => {
    const worker = await workerHttpUrl(stack.worker!);
    const markers: string[] = [];
    fc.assert(
      fc.property(printableAscii(60), fc.string({ maxLength: 200 }), (pattern, junk) => {
        const marker = `m${randomUUID().replace(/-/g, '')}`;
        markers.push(marker);
        // With any pattern, and with the marker in the pattern and the payload: unsigned ones are
        // refused unread, signed ones by their pattern, which no handler serves.
        broker.publish(`${pattern}${marker}`, { junk, marker }, { messageId: randomUUID() });
        broker.publish('projects.create.v1', { name: junk, marker }, { messageId: randomUUID() });
        broker.publishSigned(`${pattern}${marker}`, { junk, marker }, { tenantId: randomUUID() });
      }),
      { numRuns: RUNS.patterns },
    );
    // And one a handler serves, signed but invalid: dead-lettered under its own pattern, so the
    // handlers' patterns are there whatever paths the first test happened to draw.
    broker.publishSigned('projects.create.v1', { name: '' }, { tenantId: randomUUID() });
    const text = await waitFor(async () => {
      const scraped = await scrape(worker);
      const refused = samples(scraped)
        .filter((s) => s.name === 'tenantry_dead_letters_total')
        .reduce((sum, s) => sum + s.value, 0);
      return refused >= 3 * RUNS.patterns + 1 && scraped;
    }, 20_000, 'every message dead-lettered');

    // The handlers' own patterns, one for all unknown ones, and one for all refused unread.
    const patterns = labelValues(text, 'tenantry_messages_total', 'pattern');
    expect(patterns).toContain('(unknown)');
    expect(patterns).toContain('(unread)');
    expect([...patterns].some((pattern) => /^[a-z-]+\.[a-z-]+\.v\d+$/.test(pattern))).toBe(true);
    for (const pattern of patterns) expect(pattern).toMatch(/^\(unknown\)$|^\(unread\)$|^[a-z-]+\.[a-z-]+\.v\d+$/);
    const reasons = labelValues(text, 'tenantry_dead_letters_total', 'reason');
    for (const reason of reasons) expect(DEAD_LETTER_REASONS).toContain(reason);
    for (const marker of markers) expect(text).not.toContain(marker);
  });
});

// One trace from the client's request to the SQL the worker runs for it: the gateway's HTTP
// server span, its publish (producer), the worker's handling (consumer), and the pg queries.
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { randomBytes, randomUUID } from 'node:crypto';
import { MessageHeader } from '@app/messaging';
import { ProjectJobPattern, ProjectPattern } from '@app/projects';
import { useBroker } from '../support/broker';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { ancestorsOf, parentOf, useTracing } from '../support/tracing';
import { waitFor } from '../support/wait-for';

const spans = useTracing();

describe('Traces', () => {
  const stack = useStack();
  const broker = useBroker();
  let session: TenantSession;

  beforeAll(async () => {
    session = await TenantSession.create(stack.baseUrl);
  });

  /** The spans of one create, once the worker's span and its SQL have ended. */
  async function traceOfCreate(headers: Record<string, string> = {}) {
    spans.reset();
    const res = await session.request('POST', '/projects', { name: `traced-${randomUUID()}` }, headers);
    expect(res.status).toBe(201);
    const isConsumer = (s: ReadableSpan) =>
      s.kind === SpanKind.CONSUMER && s.attributes['tenantry.pattern'] === ProjectPattern.Create;
    return waitFor(
      () => {
        const ended = spans.getFinishedSpans();
        const consumer = ended.find(isConsumer);
        const server = ended.find(
          (s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/projects',
        );
        return Promise.resolve(consumer && server ? { ended, consumer, server } : undefined);
      },
      10_000,
      'the request and its message traced',
    );
  }

  it("should trace the worker's handling and its SQL under the gateway's publish, in the request's trace", async () => {
    const { ended, consumer, server } = await traceOfCreate();
    const traceId = server.spanContext().traceId;
    const producer = ended.find(
      (s) => s.kind === SpanKind.PRODUCER && s.attributes['tenantry.pattern'] === ProjectPattern.Create,
    );

    expect(producer?.spanContext().traceId).toBe(traceId);
    expect(ancestorsOf(producer!, ended)).toContain(server);
    expect(consumer.spanContext().traceId).toBe(traceId);
    expect(parentOf(consumer)).toBe(producer?.spanContext().spanId);
    expect(consumer.attributes['tenantry.tenant_id']).toBe(session.tenantId);
    const sql = ended.filter(
      (s) => s.kind === SpanKind.CLIENT && s.attributes['db.system.name'] !== undefined,
    );
    const underConsumer = sql.filter((s) => ancestorsOf(s, ended).includes(consumer));
    expect(underConsumer.length).toBeGreaterThan(0);
    expect(underConsumer.every((s) => s.spanContext().traceId === traceId)).toBe(true);
  });

  it("should continue a client's traceparent through the gateway into the worker", async () => {
    const clientTrace = randomBytes(16).toString('hex');
    const clientSpan = randomBytes(8).toString('hex');

    const { consumer, server } = await traceOfCreate({ traceparent: `00-${clientTrace}-${clientSpan}-01` });

    expect(server.spanContext().traceId).toBe(clientTrace);
    expect(parentOf(server)).toBe(clientSpan);
    expect(consumer.spanContext().traceId).toBe(clientTrace);
  });

  it("should handle a job's batches in the trace of the command that started it", async () => {
    spans.reset();
    const items = [{ name: `batch-${randomUUID()}` }, { name: `batch-${randomUUID()}` }];
    const res = await session.request('POST', '/projects/import', { items });
    expect(res.status).toBe(202);
    const isConsumerOf = (pattern: string) => (s: ReadableSpan) =>
      s.kind === SpanKind.CONSUMER && s.attributes['tenantry.pattern'] === pattern;

    const { start, batch } = await waitFor(
      () => {
        const ended = spans.getFinishedSpans();
        const start = ended.find(isConsumerOf(ProjectJobPattern.Import));
        const batch = ended.find(isConsumerOf(ProjectJobPattern.ImportBatch));
        return Promise.resolve(start && batch ? { start, batch } : undefined);
      },
      10_000,
      'the job and its batch traced',
    );

    expect(batch.spanContext().traceId).toBe(start.spanContext().traceId);
    expect(parentOf(batch)).toBe(start.spanContext().spanId);
  });

  it('should continue only a traceparent the signature covers; one added after signing names no trace', async () => {
    const signedTrace = randomBytes(16).toString('hex');
    const forgedTrace = randomBytes(16).toString('hex');
    const signed = `00-${signedTrace}-${randomBytes(8).toString('hex')}-01`;
    const forged = `00-${forgedTrace}-${randomBytes(8).toString('hex')}-01`;
    const tenantId = session.tenantId;
    spans.reset();

    broker.publishSigned(
      ProjectPattern.Create,
      { name: `signed-${randomUUID()}` },
      { tenantId, traceparent: signed },
    );
    const name = `forged-${randomUUID()}`;
    broker.publishSigned(
      ProjectPattern.Create,
      { name },
      { tenantId, headers: { [MessageHeader.TraceParent]: forged } },
    );

    expect(await broker.deadLetterReason(name)).toMatch(/signature invalid/);
    const continued = await waitFor(
      () =>
        Promise.resolve(
          spans
            .getFinishedSpans()
            .find((s) => s.kind === SpanKind.CONSUMER && s.spanContext().traceId === signedTrace),
        ),
      10_000,
      'the signed trace continued',
    );
    expect(continued.attributes['tenantry.tenant_id']).toBe(tenantId);
    expect(spans.getFinishedSpans().filter((s) => s.spanContext().traceId === forgedTrace)).toEqual([]);
  });
});

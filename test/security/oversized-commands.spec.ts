// The other side of MESSAGE_MAX_BYTES: the gateway never sends a command the workers would refuse
// unread. It will not start with a body limit that cannot fit, and a body within its limits whose
// command still grows past the maximum (bytes that are not UTF-8 become U+FFFD, three bytes each)
// is answered 413 at once: not a dead letter, and a 503 once the caller has waited out its timeout.
import { randomUUID } from 'node:crypto';
import { useBroker } from '../support/broker';
import { projectsOf } from '../support/database';
import { startGateway, useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const MESSAGE_MAX_BYTES = 128 * 1024;
process.env.MESSAGE_MAX_BYTES = String(MESSAGE_MAX_BYTES);
// As large as the maximum lets it be: the envelope takes 4 KiB.
process.env.IMPORT_BODY_LIMIT_BYTES = String(MESSAGE_MAX_BYTES - 4096);

/** An import body of `items` projects whose descriptions are `description` (raw bytes). */
function importBody(items: number, description: Buffer): Buffer {
  const item = (i: number) =>
    Buffer.concat([
      Buffer.from(`{"name":"p${i}-${randomUUID()}","description":"`),
      description,
      Buffer.from('"}'),
    ]);
  const list = Array.from({ length: items }, (_, i) => [...(i ? [Buffer.from(',')] : []), item(i)]).flat();
  return Buffer.concat([Buffer.from('{"items":['), ...list, Buffer.from(']}')]);
}

describe('Commands larger than the workers take', () => {
  const stack = useStack();
  const broker = useBroker();

  const post = (tenant: TenantSession, body: Buffer) =>
    fetch(`${stack.baseUrl}/projects/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
      body,
    });

  it('should answer 413 to an import whose command grows past MESSAGE_MAX_BYTES, and queue nothing', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    // 40 × 1,500 bytes that are not UTF-8: some 61 KB sent, some 180 KB once decoded to U+FFFD.
    const body = importBody(40, Buffer.alloc(1500, 0xff));
    expect(body.length).toBeLessThan(MESSAGE_MAX_BYTES - 4096);

    const res = await post(tenant, body);

    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      statusCode: 413,
      message: expect.stringMatching(
        new RegExp(
          `^The request makes a message of \\d+ bytes; the workers take at most ${MESSAGE_MAX_BYTES}$`,
        ),
      ) as unknown,
      error: 'Payload Too Large',
    });
    expect(await broker.messageCount(broker.queues.commands)).toBe(0);
    expect(await broker.messageCount(broker.queues.jobStarts)).toBe(0);
    expect(await broker.messageCount(broker.queues.deadLetter)).toBe(0);
    expect(await projectsOf(tenant.tenantId)).toEqual([]);
  });

  it('should take an import of the largest body it accepts (the control case)', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const body = importBody(60, Buffer.alloc(1900, 'd'));
    expect(body.length).toBeGreaterThan(MESSAGE_MAX_BYTES - 20 * 1024);

    const res = await post(tenant, body);

    expect(res.status).toBe(202);
  });

  it('should refuse to start with a body limit that cannot fit in a message the workers take', async () => {
    process.env.IMPORT_BODY_LIMIT_BYTES = String(MESSAGE_MAX_BYTES);
    try {
      await expect(startGateway()).rejects.toThrow(
        `IMPORT_BODY_LIMIT_BYTES: must leave 4096 bytes of MESSAGE_MAX_BYTES (${MESSAGE_MAX_BYTES})`,
      );
    } finally {
      process.env.IMPORT_BODY_LIMIT_BYTES = String(MESSAGE_MAX_BYTES - 4096);
    }
  });
});

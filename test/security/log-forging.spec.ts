// Threat: text from outside (a queue message's pattern, a field name in its payload) holding a
// newline and a fake log prefix, so that the log shows a line the apps never wrote. Every log call
// must stay one line, with the escape visible, Nest's own included.
import { randomUUID } from 'node:crypto';
import { ProjectPattern } from '@app/projects';
import { useBroker } from '../support/broker';
import { useStack } from '../support/stack';
import { waitFor } from '../support/wait-for';

const FORGED_PREFIX = '[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG';

describe('Log lines written from fields a broker publisher controls', () => {
  useStack();
  const broker = useBroker();
  let output = '';
  const capture = (chunk: unknown) => {
    output += String(chunk);
    return true;
  };

  beforeEach(() => {
    output = '';
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterEach(() => jest.restoreAllMocks());

  /** The lines logged that mention the marker, once there are some. */
  const linesWith = (marker: string) =>
    waitFor(
      () => {
        const lines = output.split('\n').filter((line) => line.includes(marker));
        return Promise.resolve(lines.length > 0 && lines);
      },
      10_000,
      `a log line with ${marker}`,
    );

  const expectOneEscapedLine = (lines: string[]) => {
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`\\n${FORGED_PREFIX}`);
    expect(output.split('\n').some((line) => line.startsWith(FORGED_PREFIX))).toBe(false);
  };

  it('should log a forged field name in a refused payload on the worker’s own line', async () => {
    const marker = `forged-${randomUUID()}`;
    // Signed, so it passes the signature and is refused for its payload, whose unknown field the
    // worker's log line names.
    broker.publishSigned(
      ProjectPattern.Create,
      { name: 'x', [`evil\n${FORGED_PREFIX} [Messages] ${marker}`]: 1 },
      { tenantId: randomUUID() },
    );

    expectOneEscapedLine(await linesWith(marker));
  });

  it('should log a forged pattern, which Nest itself logs, on one line', async () => {
    const marker = `forged-${randomUUID()}`;
    // Signed: an unsigned message is dead-lettered unread, before anything reads its pattern.
    broker.publishSigned(
      `nope\n${FORGED_PREFIX} [Messages] ${marker}`,
      {},
      { tenantId: randomUUID(), id: randomUUID() },
    );

    expectOneEscapedLine(await linesWith(marker));
  });
});

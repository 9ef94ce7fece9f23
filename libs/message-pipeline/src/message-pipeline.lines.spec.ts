import { Logger } from '@nestjs/common';
import { Observable, of, throwError } from 'rxjs';
import { ConflictError, ErrorCode } from '@app/errors';
import { MessageHeader } from '@app/messaging';
import { MessagePipeline } from './message-pipeline.interceptor';
import {
  consumeMessage,
  FakeInbox,
  PATTERN,
  rpcError,
  setup,
  validHeaders,
} from './message-pipeline.testing';

/** What Prisma throws while PostgreSQL is down. */
function unreachable(): Error {
  return Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), {
    name: 'PrismaClientKnownRequestError',
    code: 'P1001',
  });
}

describe(`${MessagePipeline.name} closing lines`, () => {
  let lines: Array<{ level: string; line: unknown }>;

  beforeEach(() => {
    lines = [];
    for (const level of ['log', 'warn', 'error'] as const) {
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation((line: unknown, ..._rest: unknown[]) => void lines.push({ level, line }));
    }
  });

  afterEach(() => jest.restoreAllMocks());

  /** The one 'message handled' line logged. */
  const closingLine = () => {
    const closing = lines.filter(({ line }) => (line as { msg?: unknown }).msg === 'message handled');
    expect(closing).toHaveLength(1);
    return closing[0];
  };

  // emitted, not result: a retried message is never answered by this delivery.
  const handled = async (headers: Record<string, unknown>, handle: () => Observable<unknown>) => {
    await setup(headers, handle).emitted();
    return closingLine();
  };

  it('should log one line for an acked message with its pattern, attempt and duration', async () => {
    expect(await handled(validHeaders(), () => of({ id: 'p1' }))).toEqual({
      level: 'log',
      line: {
        msg: 'message handled',
        pattern: PATTERN,
        outcome: 'acked',
        errorCode: undefined,
        attempt: 1,
        durationMs: expect.any(Number) as number,
      },
    });
  });

  it('should log a domain error with its code', async () => {
    const { level, line } = await handled(validHeaders(), () => throwError(() => new ConflictError('taken')));

    expect(level).toBe('log');
    expect(line).toMatchObject({ outcome: 'domain error', errorCode: ErrorCode.Conflict });
  });

  it('should log a dead letter as a warning, with the code its caller got', async () => {
    const headers = validHeaders();
    delete headers[MessageHeader.TenantId];

    const { level, line } = await handled(headers, () => of('never'));

    expect(level).toBe('warn');
    expect(line).toMatchObject({ outcome: 'dead-lettered', errorCode: ErrorCode.InvalidInput });
  });

  it('should log a retried message as a warning', async () => {
    const { level, line } = await handled(validHeaders(), () => throwError(unreachable));

    expect(level).toBe('warn');
    expect(line).toMatchObject({ outcome: 'retried', attempt: 1 });
  });

  it('should log a message answered from the inbox as answered', async () => {
    const inbox = new FakeInbox();
    const message = consumeMessage(validHeaders());
    await setup({}, () => of({ id: 'p1' }), { message, inbox }).result();
    lines = [];
    const again = { ...message, fields: { ...message.fields, redelivered: true } };

    await setup({}, () => of({ id: 'p2' }), { message: again, inbox }).result();

    expect(closingLine().line).toMatchObject({ outcome: 'answered' });
  });

  it('should leave the reply as it was', async () => {
    const body = await rpcError(
      setup(validHeaders(), () => throwError(() => new ConflictError('x'))).result(),
    );

    expect(body).toEqual({ code: ErrorCode.Conflict, message: 'x' });
  });
});

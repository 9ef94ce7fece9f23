import { prettyStream } from './pretty-stream';

const FORGED = '[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG [Auth] forged';

describe(prettyStream.name, () => {
  let output: string;

  beforeEach(() => {
    output = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      output += String(chunk);
      return true;
    });
  });

  afterEach(() => jest.restoreAllMocks());

  const write = async (line: object) => {
    const stream = await prettyStream();
    stream?.write(`${JSON.stringify({ level: 40, time: Date.now(), pid: 1, ...line })}\n`);
    return output.trimEnd().split('\n');
  };

  it('should print a message with its context as one line, a newline in either escaped', async () => {
    const lines = await write({ context: 'Messages\nX', msg: `Rejected user-1\n${FORGED}`, tenantId: 't' });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`WARN: [Messages\\nX] Rejected user-1\\n${FORGED}`);
    expect(lines[0]).toContain('"tenantId":"t"');
  });

  it('should keep a stack one frame a line, with the message’s own lines joined', async () => {
    const stack = `Error: user-1\n${FORGED}\n    at f (/app/a.js:1:1)`;

    const lines = await write({ msg: 'failed', err: { type: 'Error', message: `user-1\n${FORGED}`, stack } });

    expect(lines.some((line) => line.trimStart().startsWith('[Nest]'))).toBe(false);
    expect(output).toContain(`Error: user-1\\n${FORGED}`);
    expect(output).toContain('at f (/app/a.js:1:1)');
  });

  it('should escape a terminal escape sequence', async () => {
    expect((await write({ msg: '\u001b[2Jcleared' }))[0]).toContain('\\u001b[2Jcleared');
  });
});

import { EscapingConsoleLogger, escapeStack } from './escaping-console.logger';

const FORGED = 'user-1\n[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG [Auth] forged';

describe(EscapingConsoleLogger.name, () => {
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  const written = (spy: jest.SpyInstance) => spy.mock.calls.map(([chunk]) => String(chunk)).join('');

  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => jest.restoreAllMocks());

  it('should write a message holding a newline as one line, the escape visible', () => {
    new EscapingConsoleLogger({ colors: false }).warn(`Rejected ${FORGED}`, 'Messages');

    const output = written(stdout);
    expect(output.split('\n')).toHaveLength(2); // the line, and the empty rest after its end
    expect(output).toContain('Rejected user-1\\n[Nest] 1');
    expect(output.match(/\[Nest\]/g)).toHaveLength(2); // the real prefix, and the forged one inside
    expect(output.startsWith('[Nest] ')).toBe(true);
  });

  it('should escape a terminal escape sequence even with colours on', () => {
    new EscapingConsoleLogger({ colors: true }).log('\u001b[2Jcleared', 'Ctx');

    expect(written(stdout)).toContain('\\u001b[2Jcleared');
  });

  it('should keep a stack one frame a line, with the message’s own lines joined', () => {
    const error = new Error(FORGED);

    new EscapingConsoleLogger({ colors: false }).error('failed', error.stack, 'Ctx');

    const [message, ...stack] = written(stderr).trimEnd().split('\n');
    expect(message).toMatch(/^\[Nest\] \d+ .* ERROR \[Ctx\] failed$/);
    expect(stack[0]).toBe(`Error: user-1\\n[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG [Auth] forged`);
    expect(stack.length).toBeGreaterThan(1);
    expect(stack.slice(1).every((line) => line.startsWith('    at '))).toBe(true);
  });

  it('should print messages that are not strings as Nest does', () => {
    new EscapingConsoleLogger({ colors: false }).log({ user: 'a\nb' }, 'Ctx');

    expect(written(stdout)).toContain("user: 'a\\nb'");
  });
});

describe(escapeStack.name, () => {
  it('should leave an ordinary stack as it is', () => {
    const stack = 'Error: boom\n    at f (/app/a.js:1:1)\n    at async g (/app/b.js:2:2)';

    expect(escapeStack(stack)).toBe(stack);
  });

  it('should join a forged line to the one before it', () => {
    expect(escapeStack('Error: a\n[Nest] forged\n    at f (/a.js:1:1)\nlate\u001b')).toBe(
      'Error: a\\n[Nest] forged\n    at f (/a.js:1:1)\\nlate\\u001b',
    );
  });
});

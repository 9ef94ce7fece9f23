import { escapeStack } from './escape-stack';

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

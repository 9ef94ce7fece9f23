import { readDeadLetter } from './dead-letter';
import { age, deadLetterJson, deadLetterTable, table } from './dead-letter.format';
import { deadCommand, getMessage, MESSAGE_ID, SIGNED_AT } from './dead-letter.testing';

describe(deadLetterTable.name, () => {
  it('should print a header and one aligned line per dead letter', () => {
    const lines = deadLetterTable([readDeadLetter(deadCommand())], SIGNED_AT + 90_000);

    expect(lines).toHaveLength(2);
    expect(lines[0].indexOf('PATTERN')).toBe(lines[1].indexOf('projects.create.v1'));
    expect(lines[1]).toMatch(
      new RegExp(
        `^${MESSAGE_ID}  projects\\.create\\.v1 .* u-1 .* deadline passed  - +2023-11-14T22:13:20\\.000Z \\(1m ago\\)$`,
      ),
    );
  });

  it('should print a forged pattern, user and reason on the letter’s own line, escaped', () => {
    const forged = '\n[Nest] 1  - LOG forged\u2028\u202e';
    const letter = readDeadLetter(
      getMessage(JSON.stringify({ pattern: `p${forged}`, data: { name: forged } }), {
        'x-user-id': `u${forged}`,
        'x-dead-letter-reason': `r${forged}`,
      }),
    );

    const lines = [...deadLetterTable([letter]), deadLetterJson(letter)];

    expect(lines.every((line) => !/[\n\u2028\u202e]/.test(line))).toBe(true);
    expect(lines[1]).toContain('p\\n[Nest] 1  - LOG forged\\u2028\\u202e');
    expect(JSON.parse(lines[2])).toMatchObject({
      pattern: `p${forged}`,
      userId: `u${forged}`,
      data: { name: forged },
    });
  });

  it('should put the payload in the JSON line', () => {
    expect(JSON.parse(deadLetterJson(readDeadLetter(deadCommand()), SIGNED_AT + 1000))).toMatchObject({
      messageId: MESSAGE_ID,
      ageMs: 1000,
      attempts: null,
      data: { name: 'Apollo' },
    });
  });
});

describe(age.name, () => {
  it.each([
    [-5, '0s'],
    [45_999, '45s'],
    [12 * 60_000, '12m'],
    [3 * 3_600_000 + 1, '3h'],
    [50 * 3_600_000, '2d'],
  ])('should say %p ms is %p', (ms, expected) => {
    expect(age(ms)).toBe(expected);
  });
});

describe(table.name, () => {
  it('should pad every column but the last', () => {
    expect(
      table([
        ['a', 'bb', 'c'],
        ['ccc', 'd', 'eeee'],
      ]),
    ).toEqual(['a    bb  c', 'ccc  d   eeee']);
  });
});

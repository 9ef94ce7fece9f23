import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { IsText } from './text.decorator';

class Titled {
  @IsText({ min: 1, max: 5, notBlank: true })
  title!: string;
}

class Described {
  @IsText({ min: 0, max: 50, multiline: true })
  description!: string;
}

function problems(title: unknown): string[] {
  return validateSync(plainToInstance(Titled, { title })).flatMap((e) => Object.values(e.constraints ?? {}));
}

function descriptionProblems(description: unknown): string[] {
  return validateSync(plainToInstance(Described, { description })).flatMap((e) =>
    Object.values(e.constraints ?? {}),
  );
}

const COMPOSED = 'Caf\u00e9';
const DECOMPOSED = 'Cafe\u0301';

describe(IsText.name, () => {
  it('should accept a string within its length', () => {
    expect(problems('abcde')).toEqual([]);
  });

  it.each([
    ['too long', 'abcdef', /between 1 and 5 characters/],
    ['empty', '', /between 1 and 5 characters/],
    ['blank', '   ', /must not be blank/],
    ['holding NUL', 'a\u0000b', /must not contain control characters/],
    ['not a string', 42, /must be a string/],
  ])('should refuse a value %s', (_case, title, message) => {
    expect(problems(title)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('should count code points as PostgreSQL does, variation selectors and astral characters included', () => {
    // 'a' + U+FE0F three times: six code points for PostgreSQL, three for class-validator's Length.
    expect(problems('a\uFE0Fa\uFE0Fa\uFE0F')).toEqual([expect.stringMatching(/between 1 and 5/)]);
    // Five astral characters are ten UTF-16 units but five code points.
    expect(problems('😀😀😀😀😀')).toEqual([]);
  });

  describe('Unicode', () => {
    it.each([
      ['a lone high surrogate', 'a\ud800'],
      ['a lone low surrogate', '\udfffb'],
      ['two high surrogates', '\ud800\ud800'],
      ['a pair in the wrong order', '\udc00\ud800'],
    ])('should refuse %s, which the database would store as U+FFFD', (_case, title) => {
      expect(problems(title)).toEqual([expect.stringMatching(/must be valid Unicode/)]);
      expect(descriptionProblems(title)).toEqual([expect.stringMatching(/must be valid Unicode/)]);
    });

    it('should refuse any string holding a lone surrogate, and accept well-formed ones', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 5 }), (title) => {
          // encodeURIComponent throws URIError on a lone surrogate, and only on one.
          const wellFormed = (() => {
            try {
              return encodeURIComponent(title).length >= 0;
            } catch {
              return false;
            }
          })();
          expect(problems(title).some((p) => p.includes('valid Unicode'))).toBe(!wellFormed);
        }),
        { numRuns: 500 },
      );
    });

    it('should normalise to NFC before it counts, so both spellings of é are the same stored text', () => {
      expect(plainToInstance(Titled, { title: DECOMPOSED }).title).toBe(COMPOSED);
      expect(plainToInstance(Titled, { title: COMPOSED }).title).toBe(COMPOSED);
      // Six code points decomposed, five once composed: within the limit.
      expect(problems('Cafe\u0301s'.normalize('NFD'))).toEqual([]);
    });

    it('should make every canonically equivalent spelling the same string', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 8 }), (text) => {
          const as = (spelling: string) => plainToInstance(Described, { description: spelling }).description;
          expect(as(text)).toBe(text.normalize('NFC'));
          expect(as(text.normalize('NFD'))).toBe(text.normalize('NFC'));
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('control characters', () => {
    it.each([
      ['a line feed', 'a\nb'],
      ['a carriage return', 'a\rb'],
      ['a tab', 'a\tb'],
      ['an escape', '\u001b[2J'],
      ['a bell', 'a\u0007'],
      ['DEL', 'a\u007f'],
      ['a C1 control', 'a\u0085'],
    ])('should refuse %s in a name or title', (_case, title) => {
      expect(problems(title)).toEqual([expect.stringMatching(/must not contain control characters/)]);
    });

    it.each([
      ['a line feed', 'line 1\nline 2'],
      ['a CRLF', 'line 1\r\nline 2'],
      ['a tab', 'a\tb'],
    ])('should keep %s in free text', (_case, description) => {
      expect(descriptionProblems(description)).toEqual([]);
    });

    it.each([
      ['NUL', 'a\u0000b'],
      ['an escape', '\u001b[31mred'],
      ['a backspace', 'a\bb'],
      ['a C1 control', 'a\u009bb'],
    ])('should refuse %s in free text', (_case, description) => {
      expect(descriptionProblems(description)).toEqual([
        expect.stringMatching(/must not contain control characters other than tabs and line breaks/),
      ]);
    });
  });
});

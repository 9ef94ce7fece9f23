import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsText } from './text.decorator';

class Titled {
  @IsText({ min: 1, max: 5, notBlank: true })
  title!: string;
}

function problems(title: unknown): string[] {
  return validateSync(plainToInstance(Titled, { title })).flatMap((e) => Object.values(e.constraints ?? {}));
}

describe(IsText.name, () => {
  it('should accept a string within its length', () => {
    expect(problems('abcde')).toEqual([]);
  });

  it.each([
    ['too long', 'abcdef', /between 1 and 5 characters/],
    ['empty', '', /between 1 and 5 characters/],
    ['blank', '   ', /must not be blank/],
    ['holding NUL', 'a\u0000b', /must not contain NUL/],
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
});

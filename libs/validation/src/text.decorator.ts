import { applyDecorators } from '@nestjs/common';
import { buildMessage, IsString, Matches, ValidateBy, ValidationOptions } from 'class-validator';

const NOT_BLANK = /\S/;
// PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const NO_NUL = /^[^\u0000]*$/;

export interface TextRules {
  /** Fewest characters; 0 for none. */
  min: number;
  max: number;
  /** Refuse a value of white space only. */
  notBlank?: boolean;
}

/**
 * Length in code points, as PostgreSQL's char_length counts it. class-validator's Length counts
 * differently (it skips U+FE0E/U+FE0F after a character), so a title it accepts could still
 * break a CHECK constraint in the database and answer 500.
 */
function CodePointLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'codePointLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = [...value].length;
          return length >= min && length <= max;
        },
        defaultMessage: buildMessage(
          (each) => `${each}$property must be between $constraint1 and $constraint2 characters long`,
          options,
        ),
      },
    },
    options,
  );
}

/** A string the database can store as given: within its length, and without NUL characters. */
export function IsText({ min, max, notBlank = false }: TextRules): PropertyDecorator {
  return applyDecorators(
    IsString(),
    CodePointLength(min, max),
    ...(notBlank ? [Matches(NOT_BLANK, { message: '$property must not be blank' })] : []),
    Matches(NO_NUL, { message: '$property must not contain NUL characters' }),
  );
}

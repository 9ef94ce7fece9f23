import { applyDecorators } from '@nestjs/common';
import { IsString, Length, Matches } from 'class-validator';

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

/** A string the database can store as given: within its length, and without NUL characters. */
export function IsText({ min, max, notBlank = false }: TextRules): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(min, max),
    ...(notBlank ? [Matches(NOT_BLANK, { message: '$property must not be blank' })] : []),
    Matches(NO_NUL, { message: '$property must not contain NUL characters' }),
  );
}

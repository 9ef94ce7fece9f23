import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { buildMessage, IsString, Matches, ValidateBy, ValidationOptions } from 'class-validator';
import {
  codePointLength,
  LONE_SURROGATE,
  NO_CONTROL,
  NO_CONTROL_BUT_LINES,
  normalizedText,
  NOT_BLANK,
  TextRules,
} from './text.rules';

/** Length in code points: see codePointLength. */
function CodePointLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'codePointLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = codePointLength(value);
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

/**
 * No lone UTF-16 surrogate (`"\ud800"` in JSON): UTF-8 cannot encode one, so the database would
 * store U+FFFD instead, and two different names would become the same one.
 */
function IsWellFormedUnicode(): PropertyDecorator {
  return ValidateBy({
    name: 'isWellFormedUnicode',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !LONE_SURROGATE.test(value),
      defaultMessage: () => '$property must be valid Unicode (it holds a lone surrogate)',
    },
  });
}

/**
 * A string the database can store as given: within its length, valid Unicode, and without
 * control characters. Normalised to NFC first (at the gateway and again in the worker), so that
 * two spellings of the same visible text, a composed é or an e and a combining accent, are
 * stored, counted and compared as one.
 */
export function IsText({ min, max, notBlank = false, multiline = false }: TextRules): PropertyDecorator {
  return applyDecorators(
    // The rule documents itself (metadata only), so the API document cannot state other limits.
    ApiProperty({
      type: String,
      minLength: min,
      maxLength: max,
      description: multiline
        ? 'No control characters but tabs and line breaks; normalised to NFC'
        : 'No control characters; normalised to NFC',
    }),
    Transform(({ value }: { value: unknown }) => normalizedText(value)),
    IsString(),
    IsWellFormedUnicode(),
    CodePointLength(min, max),
    ...(notBlank ? [Matches(NOT_BLANK, { message: '$property must not be blank' })] : []),
    multiline
      ? Matches(NO_CONTROL_BUT_LINES, {
          message: '$property must not contain control characters other than tabs and line breaks',
        })
      : Matches(NO_CONTROL, { message: '$property must not contain control characters' }),
  );
}

/** What a text property may hold; IsText (class-validator) and textSchema (zod) both take it. */
export interface TextRules {
  /** Fewest characters; 0 for none. */
  min: number;
  max: number;
  /** Refuse a value of white space only. */
  notBlank?: boolean;
  /** Free text: tabs and line breaks allowed, other control characters still refused. */
  multiline?: boolean;
}

export const NOT_BLANK = /\S/;
// Control characters (C0, DEL, C1): PostgreSQL text cannot hold NUL at all, and the others have no
// business in a name (a forged line in a log or a terminal escape). Free text keeps its line breaks.
export const NO_CONTROL = /^\P{Cc}*$/u;
export const NO_CONTROL_BUT_LINES = /^[\t\n\r\P{Cc}]*$/u;
// With the u flag a well-formed surrogate pair is one code point; only a lone half is Cs.
export const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Length in code points, as PostgreSQL's char_length counts it. class-validator's Length counts
 * differently (it skips U+FE0E/U+FE0F after a character), so a title it accepts could still
 * break a CHECK constraint in the database and answer 500.
 */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}

/** Text normalised as it is stored: NFC, so two spellings of one visible text are one. */
export function normalizedText(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFC') : value;
}

/** Every rule at once, on a normalised string. */
export function textAllowed(
  value: string,
  { min, max, notBlank = false, multiline = false }: TextRules,
): boolean {
  const length = codePointLength(value);
  return (
    length >= min &&
    length <= max &&
    !LONE_SURROGATE.test(value) &&
    (!notBlank || NOT_BLANK.test(value)) &&
    (multiline ? NO_CONTROL_BUT_LINES : NO_CONTROL).test(value)
  );
}

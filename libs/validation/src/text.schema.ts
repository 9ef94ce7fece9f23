import { z } from 'zod';
import { normalizedText, textAllowed, TextRules } from './text.rules';

/**
 * IsText's rules as a zod schema, for a fast path over long arrays (see FastPath): normalised to
 * NFC, then every rule at once. It only says yes or no; the messages stay class-validator's.
 */
export function textSchema(rules: TextRules) {
  return z
    .string()
    .transform((value) => normalizedText(value) as string)
    .refine((value) => textAllowed(value, rules));
}

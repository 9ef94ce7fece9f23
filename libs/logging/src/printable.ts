// Characters that end, rewrite or disguise a line of text: C0 and C1 controls (newline, carriage
// return, ESC for terminal sequences, NUL…), lone UTF-16 surrogates, the Unicode line and paragraph
// separators, and the bidirectional controls that reorder what a reader sees ("Trojan Source").
// Hand-written: JSON.stringify and util.inspect leave the separators and bidi controls alone, and
// jsesc escapes them only by escaping every non-ASCII character as well.
const UNPRINTABLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'gu');

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** True when the text holds nothing that could break or disguise a line (see UNPRINTABLE). */
export function isPrintable(text: string): boolean {
  return !UNPRINTABLE.test(text);
}

/**
 * The text with each unprintable character written as a visible escape (`\n`, `\u001b`), so that
 * text from outside (a header, a claim, a queue message) can never start a forged log line.
 */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE_ALL,
    (char) => SHORT[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

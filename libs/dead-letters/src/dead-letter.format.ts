import { printable } from '@app/logging';
import type { DeadLetter } from './dead-letter';

const COLUMNS = ['MESSAGE ID', 'PATTERN', 'TENANT', 'USER', 'REASON', 'ATTEMPTS', 'SIGNED AT'];

/** The dead letters as an aligned table, a header line first. */
export function deadLetterTable(letters: readonly DeadLetter[], now = Date.now()): string[] {
  return table([COLUMNS, ...letters.map((letter) => deadLetterRow(letter, now))]);
}

// Every field but the age comes from the message, which anyone who may publish can write: escaped,
// so that a newline in a pattern or a header cannot print a forged row.
function deadLetterRow(letter: DeadLetter, now: number): string[] {
  const cells = [
    letter.messageId ?? '-',
    letter.packet?.pattern ?? '-',
    letter.tenantId ?? '-',
    letter.userId ?? '-',
    letter.reason,
    letter.attempts === undefined ? '-' : String(letter.attempts),
    letter.signedAt === undefined
      ? '-'
      : `${new Date(letter.signedAt).toISOString()} (${age(now - letter.signedAt)} ago)`,
  ];
  return cells.map(printable);
}

/**
 * One dead letter as a JSON line, the payload included. printable() escapes what JSON.stringify
 * leaves raw (C1 controls, line separators, bidi controls) as \uXXXX: still the same JSON.
 */
export function deadLetterJson(letter: DeadLetter, now = Date.now()): string {
  return printable(JSON.stringify(deadLetterRecord(letter, now)));
}

function deadLetterRecord(letter: DeadLetter, now: number) {
  return {
    messageId: letter.messageId ?? null,
    pattern: letter.packet?.pattern ?? null,
    tenantId: letter.tenantId ?? null,
    userId: letter.userId ?? null,
    reason: letter.reason,
    attempts: letter.attempts ?? null,
    signedAt: letter.signedAt === undefined ? null : new Date(letter.signedAt).toISOString(),
    ageMs: letter.signedAt === undefined ? null : now - letter.signedAt,
    sourceQueue: letter.sourceQueue ?? null,
    data: letter.packet?.data ?? null,
  };
}

/** A duration in its largest whole unit: 45s, 12m, 3h, 2d. */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Rows padded to their columns' widths, two spaces apart; the last column is not padded. */
export function table(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '),
  );
}

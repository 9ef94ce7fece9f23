import { matchesFilter } from './dead-letter.filter';
import { deadLetterJson, deadLetterTable } from './dead-letter.format';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { DlqSelection } from './dlq-arguments';

/** Prints the selected dead letters; all of them go back to the queue when it closes. */
export async function listDeadLetters(
  queue: DeadLetterQueue,
  { filter, limit, json }: DlqSelection,
  print: (line: string) => void,
): Promise<number> {
  const total = await queue.size();
  const letters = (await queue.take((letter) => matchesFilter(filter, letter), limit)).map((h) => h.letter);
  if (json) {
    for (const letter of letters) print(deadLetterJson(letter));
    return 0;
  }
  if (letters.length > 0) deadLetterTable(letters).forEach((line) => print(line));
  print(`${letters.length} shown of ${total} in ${queue.names.deadLetter}`);
  return 0;
}

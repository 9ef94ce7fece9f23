import { matchesFilter } from './dead-letter.filter';
import { deadLetterJson, deadLetterTable } from './dead-letter.format';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { DlqSelection } from './dlq-arguments';

/** Deletes the selected dead letters, prints them, then how many went. */
export async function purgeDeadLetters(
  queue: DeadLetterQueue,
  { filter, limit, json }: DlqSelection,
  print: (line: string) => void,
): Promise<number> {
  const held = await queue.take((letter) => matchesFilter(filter, letter), limit);
  for (const { message } of held) queue.ack(message);
  // Only once the broker has the acks is it true that they are gone.
  await queue.flush();
  const letters = held.map((h) => h.letter);
  if (json) {
    for (const letter of letters) print(deadLetterJson(letter));
    return 0;
  }
  if (letters.length > 0) deadLetterTable(letters).forEach((line) => print(line));
  print(`Purged ${letters.length} from ${queue.names.deadLetter}`);
  return 0;
}

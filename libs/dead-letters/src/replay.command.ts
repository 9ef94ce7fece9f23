import { randomUUID } from 'node:crypto';
import { printable } from '@app/logging';
import { RejectedMessageError } from '@app/messaging';
import type { DeadLetter } from './dead-letter';
import { matchesFilter } from './dead-letter.filter';
import { DeadLetterQueue, DeadLetterQueueError, HeldDeadLetter } from './dead-letter-queue';
import type { DlqSelection } from './dlq-arguments';
import { ReplayAnswer, ReplayReplies } from './replay-replies';
import { replayedCommand, ReplayOptions, ReplayPublish, signingClock } from './replayed-command';

// Replays waiting for their answer at once: enough to keep workers busy, few enough that the last
// ones of a long list are not queued past their deadline.
const REPLAYS_IN_FLIGHT = 10;
// How long after its deadline an answer is still waited for: the reply's own trip.
const REPLY_GRACE_MS = 2000;

/** What became of one selected dead letter. */
export type ReplayOutcome =
  { kind: 'kept'; reason: string } | ({ queue: string } & ({ kind: 'sent' } | ReplayAnswer));

/** Replays the selected dead letters, printing each outcome as it comes; 1 unless all were answered. */
export async function replayDeadLetters(
  queue: DeadLetterQueue,
  { filter, limit, json }: DlqSelection,
  options: ReplayOptions,
  print: (line: string) => void,
): Promise<number> {
  const held = await queue.take((letter) => matchesFilter(filter, letter), limit);
  const replies = await queue.replies();
  const counts = new Map<ReplayOutcome['kind'], number>();
  const clock = signingClock();
  await forEachInFlight(held, REPLAYS_IN_FLIGHT, async (one) => {
    const outcome = await replayOne(queue, replies, options, one, clock());
    counts.set(outcome.kind, (counts.get(outcome.kind) ?? 0) + 1);
    // Escaped: the letter's fields and a refusal's text come from the broker, not from us.
    print(printable(json ? outcomeJson(one.letter, outcome) : outcomeLine(one.letter, outcome)));
  });
  const count = (kind: ReplayOutcome['kind']) => counts.get(kind) ?? 0;
  if (!json) {
    print(
      `Replayed ${held.length - count('kept')} of ${held.length}: ${count('answered')} answered, ` +
        `${count('refused')} refused, ${count('unanswered')} unanswered, ${count('sent')} sent without ` +
        `an answer expected; ${count('kept')} kept in ${queue.names.deadLetter}`,
    );
  }
  return count('answered') + count('sent') === held.length ? 0 : 1;
}

async function replayOne(
  queue: DeadLetterQueue,
  replies: ReplayReplies,
  options: ReplayOptions,
  { message, letter }: HeldDeadLetter,
  now: number,
): Promise<ReplayOutcome> {
  const correlationId = randomUUID();
  let publish: ReplayPublish;
  try {
    publish = replayedCommand(message, letter, options, { replyTo: replies.queue, correlationId }, now);
  } catch (err) {
    // Not the gateway's signature (or no command at all): it stays dead, and is put back at close.
    if (err instanceof RejectedMessageError) return { kind: 'kept', reason: err.message };
    throw err;
  }
  const answer = publish.expectsReply
    ? replies.expect(correlationId, options.deadlineMs + REPLY_GRACE_MS)
    : undefined;
  let target: string;
  try {
    target = await queue.republish(publish, letter.sourceQueue);
  } catch (err) {
    replies.cancel(correlationId);
    if (err instanceof DeadLetterQueueError) return { kind: 'kept', reason: err.message };
    throw err;
  }
  // Only now, with the copy on its queue: a crash before this line leaves a duplicate.
  queue.ack(message);
  return { queue: target, ...(answer ? await answer : { kind: 'sent' }) };
}

function outcomeLine(letter: DeadLetter, outcome: ReplayOutcome): string {
  const what = `${letter.messageId ?? '-'}  ${letter.packet?.pattern ?? '-'}  ${letter.tenantId ?? '-'}`;
  switch (outcome.kind) {
    case 'kept':
      return `${what}  kept: ${outcome.reason}`;
    case 'sent':
      return `${what}  replayed to ${outcome.queue} (an event: no answer expected)`;
    case 'answered':
      return `${what}  replayed to ${outcome.queue}, answered`;
    case 'refused':
      return `${what}  replayed to ${outcome.queue}, refused: ${describeError(outcome.error)}`;
    case 'unanswered':
      return `${what}  replayed to ${outcome.queue}, unanswered by its deadline (if it expired, it is a dead letter again)`;
  }
}

function outcomeJson(letter: DeadLetter, outcome: ReplayOutcome): string {
  return JSON.stringify({
    messageId: letter.messageId ?? null,
    pattern: letter.packet?.pattern ?? null,
    tenantId: letter.tenantId ?? null,
    ...outcome,
  });
}

function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error)
    return `${String(error.code)}: ${String(error.message)}`;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** Runs work over items with at most `width` of them under way at once. */
async function forEachInFlight<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

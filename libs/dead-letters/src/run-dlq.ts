import type { DlqEnv } from '@app/config';
import { signingKey } from '@app/signing';
import { DeadLetterQueue } from './dead-letter-queue';
import { DLQ_USAGE, parseDlqArguments, UsageError } from './dlq-arguments';
import { listDeadLetters } from './list.command';
import { purgeDeadLetters } from './purge.command';
import { replayDeadLetters } from './replay.command';
import type { ReplayOptions } from './replayed-command';

/**
 * `npm run dlq -- <list|replay|purge> …` (see DLQ_USAGE): runs one command against the dead-letter
 * queue of env.QUEUE_PREFIX and resolves with the exit code. Lines go to `print`.
 */
export async function runDlq(argv: string[], env: DlqEnv, print: (line: string) => void): Promise<number> {
  const request = parseDlqArguments(argv);
  if (request.command === 'help') {
    print(DLQ_USAGE);
    return 0;
  }
  // Checked before connecting: a replay without the key could verify nothing.
  const options = request.command === 'replay' ? replayOptions(env) : undefined;
  const queue = await DeadLetterQueue.open(env.AMQP_URL, env.QUEUE_PREFIX);
  try {
    switch (request.command) {
      case 'list':
        return await listDeadLetters(queue, request, print);
      case 'purge':
        return await purgeDeadLetters(queue, request, print);
      case 'replay':
        return await replayDeadLetters(queue, request, options as ReplayOptions, print);
    }
  } finally {
    await queue.close();
  }
}

function replayOptions(env: DlqEnv): ReplayOptions {
  if (env.MESSAGE_SIGNING_KEY === undefined)
    throw new UsageError('replay needs MESSAGE_SIGNING_KEY, the key the gateways sign with');
  const key = signingKey(env.MESSAGE_SIGNING_KEY);
  const previous = env.MESSAGE_SIGNING_KEY_PREVIOUS;
  return {
    key,
    keys: previous === undefined ? [key] : [key, signingKey(previous)],
    acceptV1: env.MESSAGE_SIGNATURE_ACCEPT_V1,
    deadlineMs: env.DLQ_REPLAY_DEADLINE_MS,
    inboxRetentionMs: env.IDEMPOTENCY_TTL_HOURS * 3_600_000,
  };
}

import { parseArgs } from 'node:util';
import { isUuid } from '@app/tenancy';
import { DeadLetterFilter, isEmptyFilter } from './dead-letter.filter';

export type DlqCommand = 'list' | 'replay' | 'purge';

/** Which dead letters a command acts on, and how it prints them. */
export interface DlqSelection {
  filter: DeadLetterFilter;
  /** Every message, no filter (replay and purge insist on one or the other). */
  all: boolean;
  limit: number;
  json: boolean;
}

export type DlqRequest = { command: 'help' } | ({ command: DlqCommand } & DlqSelection);

/** A command line that makes no sense; the CLI prints the message and points at --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(`${message} (npm run dlq -- --help)`);
    this.name = 'UsageError';
  }
}

export const DLQ_USAGE = `Usage: npm run dlq -- <list|replay|purge> [filters] [--limit N] [--json]

  list     One line per dead letter: message id, pattern, tenant, user, reason, attempts
           (x-attempt, when transient errors ran out), and when it was signed, with its age.
           Removes nothing: every message read is put back when the run ends (marked
           redelivered; a classic queue keeps their order). A quorum queue counts each read as a
           delivery, so the dead-letter queue must have no x-delivery-limit.
  replay   Sends the selected dead letters back to the queue they died in (commands or jobs:
           x-source-queue, else x-death; never one outside QUEUE_PREFIX), and prints each answer.
           - Only what the gateways signed: the original signature is checked with
             MESSAGE_SIGNING_KEY or MESSAGE_SIGNING_KEY_PREVIOUS (one signed in the format
             before v2 only with MESSAGE_SIGNATURE_ACCEPT_V1=true). A forged or tampered message,
             or one signed longer ago than IDEMPOTENCY_TTL_HOURS (the inbox may have forgotten
             it), is kept in the dead-letter queue and reported.
           - The same body, tenant, user and message id: the workers' inbox answers a command
             whose work had committed with its first reply and applies nothing twice.
           - Signed anew with the current key, a fresh time and a deadline
             DLQ_REPLAY_DEADLINE_MS away (default 30000; keep it under the workers'
             MESSAGE_MAX_AGE_MS). Attempts and dead-letter headers are dropped.
           - Published with a publisher confirm, and only then removed from the dead-letter
             queue: a crash between leaves a duplicate there, which the inbox answers too.
           - Answered on a reply queue of its own: "answered", "refused" with the
             worker's error (a refused command may be a dead letter again), or "unanswered" by
             the deadline. An event (no request id) gets no answer: "sent".
           Exits 1 unless every selected message was answered or sent.
  purge    Deletes the selected dead letters for good, and prints them and how many.

Filters (all those given must match; replay and purge need one, or --all):
  --id ID          the message id, exactly
  --reason TEXT    part of the reason, ignoring case: "deadline passed", "signature invalid",
                   "transient error", "expired" (RabbitMQ's own reasons end in "(x-death)")
  --tenant UUID    the tenant id
  --all            replay or purge every dead letter

  --limit N        act on at most N matching messages
  --json           one JSON object per line instead of a table
  -h, --help       this text

Reads AMQP_URL and QUEUE_PREFIX as the workers do, and declares no queue. It reads only the
messages in the queue when it starts, and holds them until it ends: run one at a time.`;

export function parseDlqArguments(argv: string[]): DlqRequest {
  const { values, positionals } = parseOrExplain(argv);
  if (values.help) return { command: 'help' };
  const [command, ...extra] = positionals;
  if (command !== 'list' && command !== 'replay' && command !== 'purge')
    throw new UsageError(command ? `Unknown command "${command}"` : 'Name a command: list, replay or purge');
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  const filter: DeadLetterFilter = { id: values.id, reason: values.reason, tenant: values.tenant };
  // An empty --reason would match everything: --all without saying so.
  for (const [name, value] of Object.entries(filter))
    if (value === '') throw new UsageError(`--${name} must not be empty`);
  if (filter.tenant !== undefined && !isUuid(filter.tenant)) throw new UsageError('--tenant must be a uuid');
  const all = values.all === true;
  if (all && command === 'list') throw new UsageError('list shows every dead letter without --all');
  if (all && !isEmptyFilter(filter)) throw new UsageError('--all cannot be combined with a filter');
  if (command !== 'list' && !all && isEmptyFilter(filter))
    throw new UsageError(`${command} needs a filter (--id, --reason, --tenant), or --all for every message`);
  return { command, filter, all, limit: readLimit(values.limit), json: values.json === true };
}

function parseOrExplain(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        reason: { type: 'string' },
        tenant: { type: 'string' },
        all: { type: 'boolean' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // Node's own messages ("Unknown option '--x'") are clear; only the pointer to --help is added.
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function readLimit(raw: string | undefined): number {
  if (raw === undefined) return Infinity;
  const limit = Number(raw);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer`);
  return limit;
}

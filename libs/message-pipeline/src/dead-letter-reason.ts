/** The label values of dead letters' reasons: a fixed set, whatever text a reason carries. */
export const DEAD_LETTER_REASONS = [
  'too_large',
  'too_deep',
  'unknown_pattern',
  'signature',
  'replayed',
  'stale',
  'expired',
  'invalid_headers',
  'invalid_payload',
  'transient',
  'unexpected',
  'retry_queue_full',
  'other',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

// The beginnings of the reasons the pipeline writes (Delivery.deadLetter's text), first match wins.
// The text may quote the sender (a payload's problems): only its start is looked at, and anything
// unforeseen is `other`, so a message can never mint a label value.
const PREFIXES: Array<[string, DeadLetterReason]> = [
  ['message too large', 'too_large'],
  ['message nested deeper', 'too_deep'],
  ['transient error', 'transient'],
  ['unexpected error', 'unexpected'],
  ['retry queue full', 'retry_queue_full'],
  ['Message rejected: signature stale', 'stale'],
  ['Message rejected: signature', 'signature'],
  ['Message rejected: message replayed', 'replayed'],
  ['Message rejected: deadline', 'expired'],
  ['Message rejected: invalid payload', 'invalid_payload'],
  ['Message rejected: x-', 'invalid_headers'],
  ['Message rejected: message id', 'invalid_headers'],
];

/** The bounded label value for a dead letter's free-text reason. */
export function deadLetterReason(text: string): DeadLetterReason {
  for (const [prefix, reason] of PREFIXES) if (text.startsWith(prefix)) return reason;
  return 'other';
}

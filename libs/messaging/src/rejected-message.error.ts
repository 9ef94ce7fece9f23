/** A message the worker must not process; it is dead-lettered, never retried. */
export class RejectedMessageError extends Error {
  constructor(reason: string) {
    super(`Message rejected: ${reason}`);
    this.name = 'RejectedMessageError';
  }
}

/**
 * A message whose caller has given up (or is about to, for a check before COMMIT). Dead-lettered
 * like any refusal, but answered `unavailable`: a caller still waiting gets a 503, not a 400.
 */
export class DeadlinePassedError extends RejectedMessageError {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeadlinePassedError';
  }
}

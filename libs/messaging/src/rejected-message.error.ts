/** A message the worker must not process; it is dead-lettered, never retried. */
export class RejectedMessageError extends Error {
  constructor(reason: string) {
    super(`Message rejected: ${reason}`);
    this.name = 'RejectedMessageError';
  }
}

/**
 * A refusal that is not the sender's mistake: it came too late, or the clocks of gateway and worker
 * are too far apart. Dead-lettered like any refusal, but answered `unavailable`: a caller still
 * waiting gets a 503 to retry, not a 400. `answer` is what the caller is told.
 */
export class RefusedForNowError extends RejectedMessageError {
  readonly answer: string;

  constructor(reason: string, answer?: string) {
    super(reason);
    this.name = 'RefusedForNowError';
    this.answer = answer ?? this.message;
  }
}

/** A message whose caller has given up (or is about to, for a check before COMMIT). */
export class DeadlinePassedError extends RefusedForNowError {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeadlinePassedError';
  }
}

/**
 * A signature too old, or dated ahead of the worker's clock: usually clocks apart. The reason (for
 * the dead letter and the log) says by how much; the caller is told only to try again.
 */
export class StaleSignatureError extends RefusedForNowError {
  constructor(reason: string) {
    super(reason, 'The request could not be accepted at this time; try again later');
    this.name = 'StaleSignatureError';
  }
}

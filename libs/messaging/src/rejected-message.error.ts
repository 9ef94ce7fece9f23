/** A message the worker must not process; it is dead-lettered, never retried. */
export class RejectedMessageError extends Error {
  constructor(reason: string) {
    super(`Message rejected: ${reason}`);
    this.name = 'RejectedMessageError';
  }
}

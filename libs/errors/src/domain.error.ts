/**
 * Stable codes shared by the worker (which throws) and the gateway (which maps them to HTTP).
 * A code is part of the message contract: add new ones, never rename.
 */
export const ErrorCode = {
  NotFound: 'not_found',
  Conflict: 'conflict',
  InvalidInput: 'invalid_input',
  TenantForbidden: 'tenant_forbidden',
  Unavailable: 'unavailable',
  IdempotencyMismatch: 'idempotency_mismatch',
  InFlight: 'in_flight',
  PayloadTooLarge: 'payload_too_large',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected outcome of a use case: replied to the caller, and the message is acked. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(ErrorCode.NotFound, `${what} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.Conflict, message);
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.InvalidInput, message);
  }
}

export class TenantForbiddenError extends DomainError {
  constructor() {
    super(ErrorCode.TenantForbidden, 'Tenant is unknown or suspended');
  }
}

/** A dependency is down, slow or saturated: the caller may retry after `retryAfterSeconds`. */
export class UnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(ErrorCode.Unavailable, message);
  }
}

/** A message id (an Idempotency-Key) reused for a different request. */
export class IdempotencyMismatchError extends DomainError {
  constructor() {
    super(ErrorCode.IdempotencyMismatch, 'This Idempotency-Key was used for a different request');
  }
}

/** The same message id (an Idempotency-Key) is being applied by another transaction right now. */
export class InFlightError extends DomainError {
  constructor() {
    super(ErrorCode.InFlight, 'A request with this Idempotency-Key is still being processed; retry later');
  }
}

/** A request whose command would be larger than the workers take (MESSAGE_MAX_BYTES). */
export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.PayloadTooLarge, message);
  }
}

/**
 * Not a domain outcome: a fault that may pass (the broker would not confirm a publish, a row not
 * visible yet). The worker retries the message through its delay queues, like a transient database error.
 */
export class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

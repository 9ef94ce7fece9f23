import { DomainError, ErrorCode } from '@app/errors';

/** The error body a worker replies with; `code` is stable, `message` is for humans. */
export interface RpcErrorBody {
  code: ErrorCode;
  message: string;
}

const CODES = new Set<string>(Object.values(ErrorCode));

export function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && CODES.has(code) && typeof message === 'string';
}

/** Rebuilds the worker's error on the caller's side so one filter can map it to HTTP. */
export function toDomainError(value: unknown): DomainError {
  if (isRpcErrorBody(value)) return new DomainError(value.code, value.message);
  return new DomainError(ErrorCode.Internal, 'The worker failed to handle the request');
}

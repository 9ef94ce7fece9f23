import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorCode, UnavailableError } from '@app/errors';
import { noteRequest } from '@app/logging';

const STATUS: Record<ErrorCode, HttpStatus> = {
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.InvalidInput]: HttpStatus.BAD_REQUEST,
  [ErrorCode.TenantForbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.IdempotencyMismatch]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.InFlight]: HttpStatus.CONFLICT,
  [ErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The one place domain error codes become HTTP statuses, in Nest's {statusCode, message, error} shape. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainErrorFilter.name);

  catch(error: DomainError, host: ArgumentsHost): void {
    const statusCode: number = STATUS[error.code];
    noteRequest({ outcome: 'domain error', errorCode: error.code });
    if (statusCode >= 500) this.logger.warn(`${statusCode}: ${error.message}`);
    const reply = host.switchToHttp().getResponse<FastifyReply>().status(statusCode);
    if (error.code === ErrorCode.Unavailable || error.code === ErrorCode.InFlight) {
      // Also for an `unavailable` replied by a worker, which carries no delay of its own.
      reply.header('retry-after', String(error instanceof UnavailableError ? error.retryAfterSeconds : 1));
    }
    void reply.send({ statusCode, message: error.message, error: REASON[statusCode] });
  }
}

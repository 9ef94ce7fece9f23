import { HttpStatus, Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { DomainError, ErrorCode, NotFoundError, TenantForbiddenError, UnavailableError } from '@app/errors';
import { DomainErrorFilter } from './domain-error.filter';

function fakeReply() {
  const reply = { status: jest.fn(), send: jest.fn(), header: jest.fn() };
  reply.status.mockReturnValue(reply);
  reply.send.mockReturnValue(reply);
  reply.header.mockReturnValue(reply);
  return reply;
}

function catchWith(error: DomainError) {
  const reply = fakeReply();
  const host = new ExecutionContextHost([{ url: '/projects' }, reply]);
  new DomainErrorFilter().catch(error, host);
  return reply;
}

describe(DomainErrorFilter.name, () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it.each([
    [ErrorCode.NotFound, HttpStatus.NOT_FOUND, 'Not Found'],
    [ErrorCode.Conflict, HttpStatus.CONFLICT, 'Conflict'],
    [ErrorCode.InvalidInput, HttpStatus.BAD_REQUEST, 'Bad Request'],
    [ErrorCode.TenantForbidden, HttpStatus.FORBIDDEN, 'Forbidden'],
    [ErrorCode.PayloadTooLarge, HttpStatus.PAYLOAD_TOO_LARGE, 'Payload Too Large'],
    [ErrorCode.Unavailable, HttpStatus.SERVICE_UNAVAILABLE, 'Service Unavailable'],
    [ErrorCode.Internal, HttpStatus.INTERNAL_SERVER_ERROR, 'Internal Server Error'],
  ])('should map %s to %i with the Nest error body', (code, statusCode, reason) => {
    const reply = catchWith(new DomainError(code, `message for ${code}`));

    expect(reply.status).toHaveBeenCalledTimes(1);
    expect(reply.status).toHaveBeenCalledWith(statusCode);
    expect(reply.send).toHaveBeenCalledTimes(1);
    expect(reply.send).toHaveBeenCalledWith({ statusCode, message: `message for ${code}`, error: reason });
  });

  it('should tell a 503 when to retry: the error’s own delay, or 1 s for one a worker replied', () => {
    expect(catchWith(new UnavailableError('broker down', 5)).header).toHaveBeenCalledWith('retry-after', '5');
    expect(catchWith(new DomainError(ErrorCode.Unavailable, 'busy')).header).toHaveBeenCalledWith(
      'retry-after',
      '1',
    );
    expect(catchWith(new NotFoundError('Project')).header).not.toHaveBeenCalled();
  });

  it('should cover every ErrorCode', () => {
    for (const code of Object.values(ErrorCode)) {
      const reply = catchWith(new DomainError(code, 'x'));
      const [statusCode] = reply.status.mock.calls[0] as [number];
      expect(statusCode).toBeGreaterThanOrEqual(400);
      expect(reply.send).toHaveBeenCalledWith({ statusCode, message: 'x', error: expect.any(String) });
    }
  });

  it('should map DomainError subclasses by their code', () => {
    expect(catchWith(new NotFoundError('Project')).send).toHaveBeenCalledWith({
      statusCode: 404,
      message: 'Project not found',
      error: 'Not Found',
    });
    expect(catchWith(new TenantForbiddenError()).send).toHaveBeenCalledWith({
      statusCode: 403,
      message: 'Tenant is unknown or suspended',
      error: 'Forbidden',
    });
  });

  it('should log server-side failures and not client errors', () => {
    catchWith(new DomainError(ErrorCode.Conflict, 'taken'));
    expect(warn).not.toHaveBeenCalled();

    catchWith(new DomainError(ErrorCode.Unavailable, 'broker down'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('503: broker down');
  });
});

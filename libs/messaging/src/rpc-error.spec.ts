import { DomainError, ErrorCode } from '@app/errors';
import { isRpcErrorBody, toDomainError } from './rpc-error';

const INTERNAL_MESSAGE = 'The worker failed to handle the request';

describe(isRpcErrorBody.name, () => {
  it.each(Object.values(ErrorCode))('should accept a body with the known code %s', (code) => {
    expect(isRpcErrorBody({ code, message: 'something happened' })).toBe(true);
  });

  it('should accept a body with extra fields', () => {
    expect(isRpcErrorBody({ code: ErrorCode.NotFound, message: 'gone', status: 'error' })).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'not_found'],
    ['a number', 404],
    ['an empty object', {}],
    ['an unknown code', { code: 'teapot', message: 'no' }],
    ['an upper-cased code', { code: 'NOT_FOUND', message: 'no' }],
    ['a missing message', { code: ErrorCode.Conflict }],
    ['a non-string message', { code: ErrorCode.Conflict, message: 42 }],
    ['a non-string code', { code: 1, message: 'no' }],
  ])('should refuse %s', (_label, value) => {
    expect(isRpcErrorBody(value)).toBe(false);
  });
});

describe(toDomainError.name, () => {
  it('should keep a known code and its message', () => {
    const error = toDomainError({ code: ErrorCode.Conflict, message: 'name taken' });

    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.message).toBe('name taken');
  });

  it.each([
    ['an unknown code', { code: 'teapot', message: 'I am a teapot' }],
    ['a plain string', 'boom'],
    ['null', null],
    ['an Error', new Error('socket hang up')],
    ['a code without a message', { code: ErrorCode.NotFound }],
  ])('should turn %s into an internal error without leaking its text', (_label, value) => {
    const error = toDomainError(value);

    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(ErrorCode.Internal);
    expect(error.message).toBe(INTERNAL_MESSAGE);
  });
});

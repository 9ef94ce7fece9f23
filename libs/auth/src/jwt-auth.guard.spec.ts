import { UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import type { ClsService } from 'nestjs-cls';
import type { TenantContextService } from '@app/tenancy';
import { JwtAuthGuard } from './jwt-auth.guard';

const guard = new JwtAuthGuard(new Reflector(), {} as ClsService, {} as TenantContextService);

function refusal(err: unknown, info: unknown): UnauthorizedException {
  try {
    guard.handleRequest(err, false, info);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(UnauthorizedException);
    return thrown as UnauthorizedException;
  }
  throw new Error('expected a refusal');
}

describe(JwtAuthGuard.name, () => {
  it.each([
    ['a wrong issuer', new JsonWebTokenError('jwt issuer invalid. expected: https://id.internal.example/')],
    ['a wrong audience', new JsonWebTokenError('jwt audience invalid. expected: internal-api')],
    ['a JWKS network error', new Error('connect ECONNREFUSED 10.0.0.7:443')],
    ['a token not valid yet', new NotBeforeError('jwt not active', new Date())],
    ['no token', new Error('No auth token')],
    ['no reason at all', undefined],
  ])('should answer %s with the fixed message only', (_case, info) => {
    expect(refusal(null, info).getResponse()).toEqual({
      statusCode: 401,
      message: 'missing or invalid bearer token',
      error: 'Unauthorized',
    });
  });

  it('should tell an expired token apart, with a fixed message too', () => {
    expect(refusal(null, new TokenExpiredError('jwt expired', new Date())).message).toBe('token expired');
  });

  it('should turn an unexpected error into the same 401, not a 500', () => {
    expect(refusal(new Error('getaddrinfo ENOTFOUND id.internal.example'), undefined).message).toBe(
      'missing or invalid bearer token',
    );
  });

  it('should pass on the claim checks’ own fixed messages', () => {
    expect(refusal(new UnauthorizedException('token has no valid sub claim'), undefined).message).toBe(
      'token has no valid sub claim',
    );
  });
});

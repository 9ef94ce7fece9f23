import { KeyObject } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { isUuid } from '@app/tenancy';
import { JWT_ALGORITHM } from './jwt-key';

/** The claims the gateway requires; tenantId is the only source of the tenant. */
export interface AccessTokenClaims {
  sub: string;
  email: string;
  tenantId: string;
  exp: number;
}

export interface TokenRequest {
  tenantId: string;
  sub: string;
  email: string;
  /** Lifetime, as jsonwebtoken reads it: seconds, or a string such as "1h" or "15m". */
  ttl: string | number;
}

export function signAccessToken(request: TokenRequest, key: KeyObject): string {
  if (!isUuid(request.tenantId)) throw new Error('tenantId must be a uuid');
  return sign({ tenantId: request.tenantId.toLowerCase(), email: request.email }, key, {
    algorithm: JWT_ALGORITHM,
    subject: request.sub,
    expiresIn: request.ttl as number,
  });
}

/** Checks what the signature cannot: that every claim the gateway relies on is there and well-formed. */
export function readClaims(payload: unknown): AccessTokenClaims | string {
  if (typeof payload !== 'object' || payload === null) return 'token payload is not an object';
  const { sub, email, tenantId, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) return 'token has no valid sub claim';
  if (typeof email !== 'string' || email.length > 320) return 'token has no valid email claim';
  if (!isUuid(tenantId)) return 'token has no valid tenantId claim';
  if (typeof exp !== 'number') return 'token has no exp claim';
  return { sub, email, tenantId: tenantId.toLowerCase(), exp };
}

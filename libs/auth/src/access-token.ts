import { KeyObject } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { isPrintable } from '@app/logging';
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

// sub becomes the x-user-id header, which the worker takes up to 200 characters; an email address
// has at most 320 (RFC 5321: 64 for the local part, "@", 255 for the domain).
const MAX_SUB_LENGTH = 200;
const MAX_EMAIL_LENGTH = 320;

// Claims are copied into message headers, signatures and log lines: no control characters, line
// separators or bidi controls (see isPrintable), which could forge a line or disguise a user.
function isClaimText(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max && isPrintable(value);
}

/** Signs a token the gateway will accept; refuses claims that readClaims would refuse. */
export function signAccessToken(request: TokenRequest, key: KeyObject): string {
  if (!isUuid(request.tenantId)) throw new Error('tenantId must be a uuid');
  if (!isClaimText(request.sub, 1, MAX_SUB_LENGTH))
    throw new Error(`sub must be 1 to ${MAX_SUB_LENGTH} characters, without control characters`);
  if (!isClaimText(request.email, 0, MAX_EMAIL_LENGTH))
    throw new Error(`email must be at most ${MAX_EMAIL_LENGTH} characters, without control characters`);
  return sign({ tenantId: request.tenantId.toLowerCase(), email: request.email }, key, {
    algorithm: JWT_ALGORITHM,
    subject: request.sub,
    expiresIn: request.ttl as number,
  });
}

/**
 * Checks what the signature cannot: that every claim the gateway relies on is there and well-formed.
 * The reason it returns is a fixed text naming the claim, never the claim's value.
 */
export function readClaims(payload: unknown): AccessTokenClaims | string {
  if (typeof payload !== 'object' || payload === null) return 'token payload is not an object';
  const { sub, email, tenantId, exp } = payload as Record<string, unknown>;
  if (!isClaimText(sub, 1, MAX_SUB_LENGTH)) return 'token has no valid sub claim';
  if (!isClaimText(email, 0, MAX_EMAIL_LENGTH)) return 'token has no valid email claim';
  if (!isUuid(tenantId)) return 'token has no valid tenantId claim';
  if (typeof exp !== 'number') return 'token has no exp claim';
  return { sub, email, tenantId: tenantId.toLowerCase(), exp };
}

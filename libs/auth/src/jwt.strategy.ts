import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import type { Algorithm } from 'jsonwebtoken';
import { ExtractJwt, SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { AccessTokenClaims, readClaims } from './access-token';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';
import { hs256Key, JWT_ALGORITHM } from './jwt-key';

/** Algorithms accepted from an identity provider's JWKS; never HS*, so a public key cannot be a secret. */
export const JWKS_ALGORITHMS: Algorithm[] = ['RS256', 'ES256'];

type KeyOptions = { algorithms: Algorithm[] } & (
  { secretOrKey: string } | { secretOrKeyProvider: SecretOrKeyProvider }
);

function keyOptions({ jwksUri, jwtSecret }: AuthOptions): KeyOptions {
  if (jwksUri) {
    return {
      algorithms: JWKS_ALGORITHMS,
      // Keys are cached and refetched when a token names an unknown kid (rotation), rate-limited.
      secretOrKeyProvider: passportJwtSecret({
        jwksUri,
        cache: true,
        cacheMaxAge: 10 * 60_000,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
      }),
    };
  }
  // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject; its types say string.
  return {
    algorithms: [JWT_ALGORITHM],
    secretOrKey: hs256Key(jwtSecret) as unknown as string,
  };
}

/**
 * Verifies the bearer token, pinned to the configured algorithms so a token cannot choose its own
 * (no `none`, no RS256-to-HS256 confusion), with optional issuer and audience checks.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(@Inject(AUTH_OPTIONS) options: AuthOptions) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ...keyOptions(options),
      issuer: options.issuer,
      audience: options.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: options.clockToleranceS },
    });
  }

  validate(payload: unknown): AccessTokenClaims {
    const claims = readClaims(payload);
    if (typeof claims === 'string') throw new UnauthorizedException(claims);
    return claims;
  }
}

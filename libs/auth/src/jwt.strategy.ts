import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import type { Algorithm } from 'jsonwebtoken';
import { ExtractJwt, SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { GatewayEnv } from '@app/config';
import { AccessTokenClaims, readClaims } from './access-token';
import { hs256Key, JWT_ALGORITHM } from './jwt-key';

/** Algorithms accepted from an identity provider's JWKS; never HS*, so a public key cannot be a secret. */
export const JWKS_ALGORITHMS: Algorithm[] = ['RS256', 'ES256'];

type KeyOptions = { algorithms: Algorithm[] } & (
  { secretOrKey: string } | { secretOrKeyProvider: SecretOrKeyProvider }
);

function keyOptions(config: ConfigService<GatewayEnv, true>): KeyOptions {
  const jwksUri = config.get('JWT_JWKS_URI', { infer: true });
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
    secretOrKey: hs256Key(config.get('JWT_SECRET', { infer: true })) as unknown as string,
  };
}

/**
 * Verifies the bearer token, pinned to the configured algorithms so a token cannot choose its own
 * (no `none`, no RS256-to-HS256 confusion), with optional issuer and audience checks.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(config: ConfigService<GatewayEnv, true>) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ...keyOptions(config),
      issuer: config.get('JWT_ISSUER', { infer: true }),
      audience: config.get('JWT_AUDIENCE', { infer: true }),
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: config.get('JWT_CLOCK_TOLERANCE_S', { infer: true }) },
    });
  }

  validate(payload: unknown): AccessTokenClaims {
    const claims = readClaims(payload);
    if (typeof claims === 'string') throw new UnauthorizedException(claims);
    return claims;
  }
}

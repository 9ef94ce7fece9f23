import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { GatewayEnv } from '@app/config';
import { AccessTokenClaims, readClaims } from './access-token';
import { hs256Key, JWT_ALGORITHM } from './jwt-key';

/** Verifies the bearer token, pinned to HS256 so a token cannot choose its own algorithm. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(config: ConfigService<GatewayEnv, true>) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: hs256Key(config.get('JWT_SECRET', { infer: true })) as unknown as string,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: 5 },
    });
  }

  validate(payload: unknown): AccessTokenClaims {
    const claims = readClaims(payload);
    if (typeof claims === 'string') throw new UnauthorizedException(claims);
    return claims;
  }
}

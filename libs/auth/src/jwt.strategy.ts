import { Inject, Injectable, OnModuleDestroy, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { JwksClient } from 'jwks-rsa';
import { Algorithm, decode, JwtHeader } from 'jsonwebtoken';
import { ExtractJwt, SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { AccessTokenClaims, readClaims } from './access-token';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';
import { JwksKeyStore } from './jwks-key-store';
import { hs256Key, JWT_ALGORITHM } from './jwt-key';

/** Algorithms accepted from an identity provider's JWKS; never HS*, so a public key cannot be a secret. */
export const JWKS_ALGORITHMS: Algorithm[] = ['RS256', 'ES256'];

// A request waiting for the provider's keys waits this long at most (jwks-rsa's default is 30 s).
const JWKS_FETCH_TIMEOUT_MS = 5000;
// Keys not refreshed for this many periods are not trusted any more.
const JWKS_MAX_AGE_PERIODS = 12;

// Passed on to passport as the reason, which the guard answers with a fixed message.
const NO_KEY = new Error('no key for this token');

type KeyOptions = { algorithms: Algorithm[] } & (
  { secretOrKey: string } | { secretOrKeyProvider: SecretOrKeyProvider }
);

function jwksKeyStore({ jwksUri, jwksCooldownMs, jwksRefreshMs }: AuthOptions): JwksKeyStore | undefined {
  if (!jwksUri) return undefined;
  // jwks-rsa fetches and parses the set; the store's policy replaces its cache and rate limit.
  const client = new JwksClient({ jwksUri, cache: false, rateLimit: false, timeout: JWKS_FETCH_TIMEOUT_MS });
  return new JwksKeyStore(client, {
    cooldownMs: jwksCooldownMs,
    refreshMs: jwksRefreshMs,
    maxAgeMs: jwksRefreshMs * JWKS_MAX_AGE_PERIODS,
  });
}

function headerOf(rawJwtToken: string): JwtHeader | undefined {
  try {
    return decode(rawJwtToken, { complete: true })?.header;
  } catch {
    return undefined;
  }
}

/** The provider's key for the token's kid. Only a token that could verify may cause a fetch. */
function keyProvider(store: JwksKeyStore): SecretOrKeyProvider {
  return (_request, rawJwtToken: string, done) => {
    const header = headerOf(rawJwtToken);
    const kid: unknown = header?.kid;
    if (
      !header ||
      !JWKS_ALGORITHMS.includes(header.alg as Algorithm) ||
      !(kid === undefined || typeof kid === 'string')
    ) {
      done(NO_KEY);
      return;
    }
    // jsonwebtoken takes a KeyObject; passport-jwt's types say string.
    store.keyFor(kid).then(
      (key) => (key ? done(null, key as unknown as string) : done(NO_KEY)),
      () => done(NO_KEY),
    );
  };
}

function keyOptions({ jwtSecret }: AuthOptions, store: JwksKeyStore | undefined): KeyOptions {
  if (store) return { algorithms: JWKS_ALGORITHMS, secretOrKeyProvider: keyProvider(store) };
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
export class JwtStrategy extends PassportStrategy(Strategy) implements OnModuleDestroy {
  private readonly keyStore?: JwksKeyStore;

  constructor(@Inject(AUTH_OPTIONS) options: AuthOptions) {
    const keyStore = jwksKeyStore(options);
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ...keyOptions(options, keyStore),
      issuer: options.issuer,
      audience: options.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: options.clockToleranceS },
    });
    this.keyStore = keyStore;
  }

  validate(payload: unknown): AccessTokenClaims {
    const claims = readClaims(payload);
    if (typeof claims === 'string') throw new UnauthorizedException(claims);
    return claims;
  }

  onModuleDestroy(): void {
    this.keyStore?.close();
  }
}

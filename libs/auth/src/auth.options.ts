import { ConfigurableModuleBuilder } from '@nestjs/common';

/** How the gateway verifies bearer tokens. */
export interface AuthOptions {
  /** HS256 key; unused when jwksUri is set. */
  jwtSecret: string;
  /** An identity provider's JWKS: tokens must then be RS256/ES256 from its keys. */
  jwksUri?: string;
  issuer?: string;
  audience?: string;
  /** With a JWKS: least time between two fetches caused by unknown kids (see JwksKeyStore). */
  jwksCooldownMs: number;
  /** With a JWKS: the keys are fetched on this period too. */
  jwksRefreshMs: number;
  /** Clock skew allowed on exp and nbf, in seconds. */
  clockToleranceS: number;
}

export const { ConfigurableModuleClass: AuthModuleBase, MODULE_OPTIONS_TOKEN: AUTH_OPTIONS } =
  new ConfigurableModuleBuilder<AuthOptions>().setClassMethodName('forRoot').build();

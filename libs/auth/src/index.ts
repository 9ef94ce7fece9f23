export { readClaims, signAccessToken } from './access-token';
export type { AccessTokenClaims, TokenRequest } from './access-token';
export { hs256Key, JWT_ALGORITHM } from './jwt-key';
export { IS_PUBLIC, Public } from './public.decorator';
export { AuthModule } from './auth.module';
export type { AuthOptions } from './auth.options';

export { signAccessToken } from './access-token';
export { hs256Key } from './jwt-key';
export { Public } from './public.decorator';
export { AuthModule } from './auth.module';
export type { AuthOptions } from './auth.options';

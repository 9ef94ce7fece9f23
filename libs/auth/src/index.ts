export * from './access-token';
export * from './jwt-key';
export * from './public.decorator';
export * from './auth.module';

import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { z } from 'zod';
import { parseEnv } from './parse-env';

/** The one place an app reads its environment; read values with ConfigService<Env, true>. */
export function appConfigModule(schema: z.ZodType): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    cache: true,
    validate: (env) => parseEnv(schema, env) as Record<string, unknown>,
  });
}

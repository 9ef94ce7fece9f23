import { z } from 'zod';

// Defaults match a local PostgreSQL/RabbitMQ and docker-compose.yml, so `npm start` works as is.
export const DEFAULT_DATABASE_URL = 'postgresql://tenantry_app:tenantry_app@127.0.0.1:5432/tenantry';
export const DEFAULT_DATABASE_ADMIN_URL = 'postgresql://postgres:postgres@127.0.0.1:5432/tenantry';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEV_JWT_SECRET = 'tenantry-development-only-secret-do-not-use-in-production';

const MIN_SECRET_BYTES = 32;

// One check per URL, so a bad value gives one line, not one per failed rule.
const urlWithScheme = (scheme: RegExp, message: string) =>
  z.string().refine((v) => scheme.test(v) && URL.canParse(v), message);
const postgresUrl = urlWithScheme(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');
const amqpUrl = urlWithScheme(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL');
const positiveInt = z.coerce.number().int().positive();

// Queue names are built from the prefix; keep it to characters that are safe in AMQP names.
const queuePrefix = z
  .string()
  .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"')
  .default('');

const base = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  AMQP_URL: amqpUrl.default(DEFAULT_AMQP_URL),
  QUEUE_PREFIX: queuePrefix,
});

const jwt = z.object({
  JWT_SECRET: z.string().optional(),
});

/**
 * Without NODE_ENV=production a missing JWT_SECRET falls back to a development secret; in
 * production it must be set and hold at least 32 bytes.
 */
function withJwtSecret<T extends z.infer<typeof base> & z.infer<typeof jwt>>(
  env: T,
  ctx: z.RefinementCtx,
): Omit<T, 'JWT_SECRET'> & { JWT_SECRET: string } {
  const secret = env.JWT_SECRET ?? (env.NODE_ENV === 'production' ? undefined : DEV_JWT_SECRET);
  if (secret === undefined) {
    ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
  } else if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message: `must be at least ${MIN_SECRET_BYTES} bytes`,
    });
  } else if (env.NODE_ENV === 'production' && secret === DEV_JWT_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message: 'must not be the development secret in production',
    });
  }
  return { ...env, JWT_SECRET: secret ?? '' };
}

export const gatewayEnvSchema = base
  .extend(jwt.shape)
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    RPC_TIMEOUT_MS: positiveInt.default(5000),
    BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
  })
  .transform(withJwtSecret);
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const workerEnvSchema = base.extend({
  DATABASE_URL: postgresUrl.default(DEFAULT_DATABASE_URL),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  // Messages in flight per worker; near the pool size so messages do not queue for connections.
  WORKER_PREFETCH: positiveInt.default(10),
  TENANT_STATUS_TTL_MS: z.coerce.number().int().min(0).default(5000),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const adminEnvSchema = base
  .extend(jwt.shape)
  .extend({
    DATABASE_URL: postgresUrl.default(DEFAULT_DATABASE_URL),
    DATABASE_ADMIN_URL: postgresUrl.default(DEFAULT_DATABASE_ADMIN_URL),
  })
  .transform(withJwtSecret);
export type AdminEnv = z.infer<typeof adminEnvSchema>;

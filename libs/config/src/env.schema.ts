import { z } from 'zod';
import { DEV_JWT_SECRET, DEV_MESSAGE_SIGNING_KEY, isDeployed, resolveSecret } from './secrets';

// Defaults match a local PostgreSQL/RabbitMQ and docker-compose.yml, so `npm start` works as is.
export const DEFAULT_DATABASE_URL = 'postgresql://tenantry_app:tenantry_app@127.0.0.1:5432/tenantry';
export const DEFAULT_DATABASE_ADMIN_URL = 'postgresql://postgres:postgres@127.0.0.1:5432/tenantry';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const MiB = 1024 * 1024;
const IMPORT_BODY_LIMIT_DEFAULT = 32 * MiB;
/** Room around a command's body in its message: Nest's packet (pattern, id) and JSON punctuation. */
const MESSAGE_ENVELOPE_BYTES = 4096;

// One check per URL, so a bad value gives one line, not one per failed rule.
const urlWithScheme = (scheme: RegExp, message: string) =>
  z.string().refine((v) => scheme.test(v) && URL.canParse(v), message);
const postgresUrl = urlWithScheme(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');
const amqpUrl = urlWithScheme(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL');
const positiveInt = z.coerce.number().int().positive();
// "true" or "false" only: a typo must not turn a security switch either way.
const signatureV1 = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

// On unless "false": metrics are what an operator sees first.
const metricsEnabled = z
  .enum(['true', 'false'])
  .default('true')
  .transform((v) => v === 'true');

// Queue names are built from the prefix; keep it to characters that are safe in AMQP names.
const queuePrefix = z
  .string()
  .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"')
  .default('');

// Tenants that get a label value of their own in per-tenant counters; every other tenant is `other`.
// Bounded, and UUIDs only: each one is a set of series Prometheus keeps.
const MAX_TENANT_LABELS = 50;
/** The largest burst a tenant's budget may have (RATE_LIMIT_BURST, and npm run tenant:limits). */
export const MAX_RATE_LIMIT_BURST = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantLabels = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((id) => id.trim().toLowerCase())
      .filter(Boolean),
  )
  .refine((ids) => ids.every((id) => UUID.test(id)), 'must be a comma-separated list of tenant UUIDs')
  .refine((ids) => ids.length <= MAX_TENANT_LABELS, `may list at most ${MAX_TENANT_LABELS} tenants`);
const port = z.coerce.number().int().min(0).max(65535);

const base = z.object({
  // Any name (staging, preview, …): all but development and test are held to production's rules.
  NODE_ENV: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'may hold only letters, digits, ".", "_" and "-"')
    .default('development'),
  // The least severe level written; JSON lines unless NODE_ENV is development or test.
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AMQP_URL: amqpUrl.default(DEFAULT_AMQP_URL),
  QUEUE_PREFIX: queuePrefix,
  // How the queues are declared; every side must agree, and a live queue cannot change (README → Messages).
  QUEUE_TYPE: z.enum(['classic', 'quorum']).default('classic'),
  QUEUE_DELIVERY_LIMIT: positiveInt.default(20),
  // Jobs queues a tenant's batches are spread over by tenant, so that tenants' jobs interleave.
  JOB_QUEUE_SHARDS: z.coerce.number().int().min(1).max(16).default(4),
  DLQ_MAX_LENGTH: positiveInt.default(100_000),
  DLQ_MAX_BYTES: positiveInt.default(1024 * MiB),
  DLQ_MESSAGE_TTL_HOURS: positiveInt.default(14 * 24),
  // Largest message a worker parses; a larger one is dead-lettered unread. It must hold the largest
  // command the gateway sends: an import of IMPORT_BODY_LIMIT_BYTES, with room for its envelope.
  MESSAGE_MAX_BYTES: positiveInt.default(IMPORT_BODY_LIMIT_DEFAULT + MiB),
  // Bounds of the command and jobs queues and of each retry queue; a full one refuses publishes.
  QUEUE_MAX_LENGTH: positiveInt.default(100_000),
  QUEUE_MAX_BYTES: positiveInt.default(256 * MiB),
  METRICS_TENANT_LABELS: tenantLabels,
  // "false": nothing is counted and /metrics answers an empty page (a deployment that does not scrape).
  METRICS_ENABLED: metricsEnabled,
});

/**
 * A queue smaller than one message could never take the largest command (or keep it as a dead
 * letter): refused at start rather than found out by a caller.
 */
function checkQueueBounds(env: z.infer<typeof base>, ctx: z.RefinementCtx): void {
  for (const name of ['QUEUE_MAX_BYTES', 'DLQ_MAX_BYTES'] as const) {
    if (env[name] < env.MESSAGE_MAX_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `must be at least MESSAGE_MAX_BYTES (${env.MESSAGE_MAX_BYTES})`,
      });
    }
  }
}

/** Every body the gateway takes must fit in a message the workers will parse. */
function checkBodiesFit(
  env: z.infer<typeof base> & { BODY_LIMIT_BYTES: number; IMPORT_BODY_LIMIT_BYTES: number },
  ctx: z.RefinementCtx,
): void {
  const room = env.MESSAGE_MAX_BYTES - MESSAGE_ENVELOPE_BYTES;
  for (const name of ['BODY_LIMIT_BYTES', 'IMPORT_BODY_LIMIT_BYTES'] as const) {
    if (env[name] > room) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `must leave ${MESSAGE_ENVELOPE_BYTES} bytes of MESSAGE_MAX_BYTES (${env.MESSAGE_MAX_BYTES}) for the message envelope: at most ${room}`,
      });
    }
  }
}

const jwt = z.object({
  JWT_SECRET: z.string().optional(),
});

/**
 * Outside development and test, an identity provider must be reached over https (its keys decide
 * who is who) and its tokens must be for this API: issuer and audience required.
 */
function checkIdentityProvider(
  env: { NODE_ENV: string; JWT_JWKS_URI?: string; JWT_ISSUER?: string; JWT_AUDIENCE?: string },
  ctx: z.RefinementCtx,
): void {
  if (env.JWT_JWKS_URI === undefined || !isDeployed(env)) return;
  const issue = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: [name], message });
  if (new URL(env.JWT_JWKS_URI).protocol !== 'https:')
    issue('JWT_JWKS_URI', `must be an https:// URL when NODE_ENV=${env.NODE_ENV}`);
  if (env.JWT_ISSUER === undefined)
    issue('JWT_ISSUER', `is required with JWT_JWKS_URI when NODE_ENV=${env.NODE_ENV}`);
  if (env.JWT_AUDIENCE === undefined)
    issue('JWT_AUDIENCE', `is required with JWT_JWKS_URI when NODE_ENV=${env.NODE_ENV}`);
}

function withJwtSecret<T extends z.infer<typeof base> & z.infer<typeof jwt>>(
  env: T,
  ctx: z.RefinementCtx,
): Omit<T, 'JWT_SECRET'> & { JWT_SECRET: string } {
  return {
    ...env,
    JWT_SECRET: resolveSecret(env, { name: 'JWT_SECRET', devDefault: DEV_JWT_SECRET }, ctx) ?? '',
  };
}

const optionalString = z.string().min(1).optional();

export const gatewayEnvSchema = base
  .extend(jwt.shape)
  .extend({
    PORT: port.default(3000),
    HOST: z.string().default('0.0.0.0'),
    // Unset: /metrics on PORT, public like /health. Set: only on this port, at METRICS_HOST.
    METRICS_PORT: port.optional(),
    METRICS_HOST: z.string().default('127.0.0.1'),
    // /health/ready: how long the broker may take to say whether a worker consumes the command queue.
    HEALTH_TIMEOUT_MS: positiveInt.default(2000),
    RPC_TIMEOUT_MS: positiveInt.default(5000),
    // Commands the gateway waits on at once; past it, 503 rather than an ever longer queue.
    RPC_MAX_IN_FLIGHT: positiveInt.default(1024),
    BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
    // Each tenant's requests: RATE_LIMIT_RPS on average, at most RATE_LIMIT_BURST at once (429
    // past it). Per gateway process: with n replicas behind a balancer, a tenant gets up to n times
    // this (docs/scale-out.md). RATE_LIMIT_RPS=0 turns limiting off.
    RATE_LIMIT_RPS: z.coerce.number().min(0).default(200),
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(MAX_RATE_LIMIT_BURST).default(400),
    // How long a tenant's own budget (npm run tenant:limits), once a worker told it, is kept.
    RATE_LIMIT_CACHE_MS: z.coerce.number().int().min(1000).default(30_000),
    // POST /projects/import: room for 10,000 items with a full description and a few tasks each.
    IMPORT_BODY_LIMIT_BYTES: positiveInt.default(IMPORT_BODY_LIMIT_DEFAULT),
    // With a JWKS endpoint, tokens are RS256/ES256 from an identity provider and JWT_SECRET is unused.
    JWT_JWKS_URI: z
      .string()
      .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), 'must be an http(s) URL')
      .optional(),
    JWT_ISSUER: optionalString,
    JWT_AUDIENCE: optionalString,
    JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(5),
    // Unknown kids cause at most one JWKS fetch per cool-down; the keys are also fetched on a period.
    JWT_JWKS_COOLDOWN_MS: positiveInt.default(10_000),
    JWT_JWKS_REFRESH_MS: positiveInt.default(5 * 60_000),
    MESSAGE_SIGNING_KEY: z.string().optional(),
    // A connection must deliver its headers, and its whole request, within these, or it is closed
    // (408): a client trickling bytes cannot hold one for ever. 300 s lets a 32 MiB import through
    // at 0.9 Mbit/s.
    HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(300_000),
    // Idle time before a kept-alive connection is closed; Fastify's default, above the 60 s of
    // common load balancers so that they, not the gateway, close first.
    HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(72_000),
  })
  .superRefine((env, ctx) => {
    checkQueueBounds(env, ctx);
    checkBodiesFit(env, ctx);
  })
  .transform((env, ctx) => {
    checkIdentityProvider(env, ctx);
    // Node refuses a headers timeout above the request timeout.
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS',
      });
    }
    return {
      ...env,
      JWT_SECRET: env.JWT_JWKS_URI
        ? (env.JWT_SECRET ?? '')
        : (resolveSecret(env, { name: 'JWT_SECRET', devDefault: DEV_JWT_SECRET }, ctx) ?? ''),
      MESSAGE_SIGNING_KEY:
        resolveSecret(env, { name: 'MESSAGE_SIGNING_KEY', devDefault: DEV_MESSAGE_SIGNING_KEY }, ctx) ?? '',
    };
  });
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const workerEnvSchema = base
  .extend({
    DATABASE_URL: postgresUrl.default(DEFAULT_DATABASE_URL),
    DATABASE_POOL_SIZE: positiveInt.default(10),
    // Bounds on each tenant transaction's statements and lock waits; past them, the worker retries.
    DATABASE_STATEMENT_TIMEOUT_MS: positiveInt.default(5000),
    DATABASE_LOCK_TIMEOUT_MS: positiveInt.default(1000),
    // Transactions one tenant may run at once per worker (default: half of DATABASE_POOL_SIZE, rounded
    // up); its next one waits for one of its own, so that one tenant cannot hold the whole pool.
    DATABASE_TENANT_MAX_TRANSACTIONS: positiveInt.optional(),
    // How long a message id (and so an Idempotency-Key) is remembered by the worker's inbox.
    IDEMPOTENCY_TTL_HOURS: positiveInt.default(24),
    // Messages in flight per worker; near the pool size so messages do not queue for connections.
    WORKER_PREFETCH: positiveInt.default(10),
    // What this worker consumes: commands (requests), jobs (the commands that start jobs, and jobs'
    // batches), or both. Batches in a worker of their own, at a lower CPU priority (WORKER_NICE), leave the
    // cores to requests first while an import runs (README, "Background jobs").
    WORKER_QUEUES: z.enum(['all', 'commands', 'jobs']).default('all'),
    // The worker's CPU priority as a nice value (0 normal, 19 lowest); by default 10 for a worker
    // of WORKER_QUEUES=jobs, and the priority it was started with otherwise.
    WORKER_NICE: z.coerce.number().int().min(0).max(19).optional(),
    // Job batches in flight per worker, on each jobs queue's own consumer; and job starts, on theirs.
    WORKER_JOB_PREFETCH: positiveInt.default(2),
    // A job batch starts once no interactive message is in hand, or after waiting this long (JobPacing).
    JOB_YIELD_MAX_WAIT_MS: z.coerce.number().int().min(0).default(100),
    // Rows a background job commits per transaction.
    JOB_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
    // A job's batches still queued after this long are refused (dead-lettered, the job failed).
    JOB_MAX_AGE_HOURS: positiveInt.default(24),
    TENANT_STATUS_TTL_MS: z.coerce.number().int().min(0).default(5000),
    MESSAGE_SIGNING_KEY: z.string().optional(),
    // Accepted besides the current key while a rotation is under way.
    MESSAGE_SIGNING_KEY_PREVIOUS: z.string().optional(),
    // Signed messages older than this are refused.
    MESSAGE_MAX_AGE_MS: positiveInt.default(60_000),
    // Signed messages dated further ahead of the worker's clock are refused (the skew allowed between
    // gateway and worker clocks). Replays are remembered for MESSAGE_MAX_AGE_MS plus this.
    MESSAGE_MAX_CLOCK_SKEW_MS: positiveInt.default(30_000),
    // Also verify signatures in the format before v2, for messages queued before the upgrade
    // (SECURITY.md, keys and their rotation). Off unless set.
    MESSAGE_SIGNATURE_ACCEPT_V1: signatureV1,
    // Tries of a message that fails for a transient database error (the first included), at most
    // one more than the retry ladder has delay queues.
    WORKER_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(9).default(8),
    // First retry delay; each next one doubles, with jitter.
    WORKER_RETRY_BASE_MS: positiveInt.default(250),
    // On SIGTERM, how long the worker waits for the messages in hand after it stops consuming.
    WORKER_DRAIN_MS: positiveInt.default(10_000),
    // The worker's own listener for /metrics, /health/live and /health/ready; 0 takes any free port.
    // Loopback by default: a container or a scraper elsewhere sets WORKER_HTTP_HOST=0.0.0.0.
    WORKER_HTTP_PORT: port.default(3001),
    WORKER_HTTP_HOST: z.string().default('127.0.0.1'),
    // /health/ready: how long the database and the broker may take to answer.
    HEALTH_TIMEOUT_MS: positiveInt.default(2000),
  })
  .superRefine(checkQueueBounds)
  .transform((env, ctx) => ({
    ...env,
    MESSAGE_SIGNING_KEY:
      resolveSecret(env, { name: 'MESSAGE_SIGNING_KEY', devDefault: DEV_MESSAGE_SIGNING_KEY }, ctx) ?? '',
    MESSAGE_SIGNING_KEY_PREVIOUS: resolveSecret(
      env,
      { name: 'MESSAGE_SIGNING_KEY_PREVIOUS', optional: true },
      ctx,
    ),
  }));
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export const adminEnvSchema = base
  .extend(jwt.shape)
  .extend({
    DATABASE_URL: postgresUrl.default(DEFAULT_DATABASE_URL),
    DATABASE_ADMIN_URL: postgresUrl.default(DEFAULT_DATABASE_ADMIN_URL),
    // db:migrate's bounds on waiting (defaults in the migrator, which the test setup calls directly):
    // for another run's migration lock, and for any lock a statement needs (lock_timeout).
    MIGRATION_LOCK_WAIT_MS: positiveInt.optional(),
    MIGRATION_LOCK_TIMEOUT_MS: positiveInt.optional(),
  })
  .transform(withJwtSecret);
export type AdminEnv = z.infer<typeof adminEnvSchema>;

export type BaseEnv = z.infer<typeof base>;

// The dlq CLI declares no queue, so it needs none of the queue settings.
export const dlqEnvSchema = base
  .pick({ NODE_ENV: true, AMQP_URL: true, QUEUE_PREFIX: true })
  .extend({
    // Optional for list and purge, which sign nothing; replay refuses to run without one.
    MESSAGE_SIGNING_KEY: z.string().optional(),
    MESSAGE_SIGNING_KEY_PREVIOUS: z.string().optional(),
    // As the workers': replay also dead letters signed in the format before v2.
    MESSAGE_SIGNATURE_ACCEPT_V1: signatureV1,
    // A replayed command's new deadline, and its expiration on the queue. Keep it below the
    // workers' MESSAGE_MAX_AGE_MS, or a replay still waiting by then is refused as stale.
    DLQ_REPLAY_DEADLINE_MS: positiveInt.default(30_000),
    // The workers' setting: a dead letter signed longer ago is not replayed, its id being forgotten.
    IDEMPOTENCY_TTL_HOURS: positiveInt.default(24),
  })
  .transform((env, ctx) => ({
    ...env,
    MESSAGE_SIGNING_KEY: resolveSecret(
      env,
      { name: 'MESSAGE_SIGNING_KEY', devDefault: DEV_MESSAGE_SIGNING_KEY, optional: true },
      ctx,
    ),
    MESSAGE_SIGNING_KEY_PREVIOUS: resolveSecret(
      env,
      { name: 'MESSAGE_SIGNING_KEY_PREVIOUS', optional: true },
      ctx,
    ),
  }));
export type DlqEnv = z.infer<typeof dlqEnvSchema>;

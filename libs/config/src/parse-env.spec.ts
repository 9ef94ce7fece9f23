import {
  adminEnvSchema,
  DEFAULT_AMQP_URL,
  DEFAULT_DATABASE_URL,
  dlqEnvSchema,
  gatewayEnvSchema,
  workerEnvSchema,
} from './env.schema';
import { DEV_JWT_SECRET, DEV_MESSAGE_SIGNING_KEY } from './secrets';
import { InvalidConfigError, parseEnv } from './parse-env';

const PRODUCTION_SECRET = 'a-production-secret-of-at-least-32-bytes!';
const PRODUCTION_MESSAGE_KEY = 'a-production-message-key-of-at-least-32-bytes!';
// Production gateway settings with every secret set, so a test can take one away.
const PRODUCTION = { NODE_ENV: 'production', MESSAGE_SIGNING_KEY: PRODUCTION_MESSAGE_KEY };

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidConfigError);
    return (err as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ''));
  }
  throw new Error('expected InvalidConfigError, but parsing succeeded');
}

const MiB = 1024 * 1024;
const QUEUE_DEFAULTS = {
  QUEUE_TYPE: 'classic',
  QUEUE_DELIVERY_LIMIT: 20,
  JOB_QUEUE_SHARDS: 4,
  DLQ_MAX_LENGTH: 100_000,
  DLQ_MAX_BYTES: 1024 * MiB,
  DLQ_MESSAGE_TTL_HOURS: 14 * 24,
  MESSAGE_MAX_BYTES: 33 * MiB,
  QUEUE_MAX_LENGTH: 100_000,
  QUEUE_MAX_BYTES: 256 * MiB,
  METRICS_TENANT_LABELS: [],
  METRICS_ENABLED: true,
};

describe(parseEnv.name, () => {
  describe('gateway schema', () => {
    it.each([['fatal'], ['warn'], ['debug'], ['silent']])('should take LOG_LEVEL=%s', (LOG_LEVEL) => {
      expect(parseEnv(gatewayEnvSchema, { LOG_LEVEL }).LOG_LEVEL).toBe(LOG_LEVEL);
    });

    it('should refuse a log level pino does not have', () => {
      expect(problems(() => parseEnv(workerEnvSchema, { LOG_LEVEL: 'verbose' }))).toEqual([
        'LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
      ]);
    });

    it('should take RATE_LIMIT_RPS=0 (limits off) and refuse a burst past 10,000', () => {
      expect(parseEnv(gatewayEnvSchema, { RATE_LIMIT_RPS: '0' }).RATE_LIMIT_RPS).toBe(0);
      expect(parseEnv(gatewayEnvSchema, { RATE_LIMIT_RPS: '0.5' }).RATE_LIMIT_RPS).toBe(0.5);
      expect(() => parseEnv(gatewayEnvSchema, { RATE_LIMIT_BURST: '10001' })).toThrow(/RATE_LIMIT_BURST/);
      expect(() => parseEnv(gatewayEnvSchema, { RATE_LIMIT_RPS: '-1' })).toThrow(/RATE_LIMIT_RPS/);
    });

    it('should apply the development defaults to an empty environment', () => {
      expect(parseEnv(gatewayEnvSchema, {})).toEqual({
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        AMQP_URL: DEFAULT_AMQP_URL,
        QUEUE_PREFIX: '',
        ...QUEUE_DEFAULTS,
        PORT: 3000,
        HOST: '0.0.0.0',
        RPC_TIMEOUT_MS: 5000,
        RPC_MAX_IN_FLIGHT: 1024,
        RATE_LIMIT_RPS: 200,
        RATE_LIMIT_BURST: 400,
        RATE_LIMIT_CACHE_MS: 30000,
        BODY_LIMIT_BYTES: 64 * 1024,
        IMPORT_BODY_LIMIT_BYTES: 32 * 1024 * 1024,
        JWT_SECRET: DEV_JWT_SECRET,
        JWT_CLOCK_TOLERANCE_S: 5,
        JWT_JWKS_COOLDOWN_MS: 10_000,
        JWT_JWKS_REFRESH_MS: 300_000,
        MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY,
        HTTP_HEADERS_TIMEOUT_MS: 10_000,
        HTTP_REQUEST_TIMEOUT_MS: 300_000,
        HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
        METRICS_HOST: '127.0.0.1',
        HEALTH_TIMEOUT_MS: 2000,
      });
    });

    it('should read METRICS_TENANT_LABELS as a bounded list of tenant UUIDs', () => {
      const id = '11111111-1111-4111-8111-111111111111';
      expect(
        parseEnv(gatewayEnvSchema, { METRICS_TENANT_LABELS: ` ${id.toUpperCase()} ,,${id}` })
          .METRICS_TENANT_LABELS,
      ).toEqual([id, id]);
      expect(problems(() => parseEnv(gatewayEnvSchema, { METRICS_TENANT_LABELS: `${id},acme` }))).toEqual([
        'METRICS_TENANT_LABELS: must be a comma-separated list of tenant UUIDs',
      ]);
      expect(
        problems(() => parseEnv(workerEnvSchema, { METRICS_TENANT_LABELS: Array(51).fill(id).join(',') })),
      ).toEqual(['METRICS_TENANT_LABELS: may list at most 50 tenants']);
    });

    it('should refuse a worker or metrics port out of range', () => {
      expect(problems(() => parseEnv(gatewayEnvSchema, { METRICS_PORT: '70000' }))).toEqual([
        expect.stringMatching(/^METRICS_PORT: /),
      ]);
      expect(problems(() => parseEnv(workerEnvSchema, { WORKER_HTTP_PORT: 'http' }))).toEqual([
        expect.stringMatching(/^WORKER_HTTP_PORT: /),
      ]);
      expect(parseEnv(workerEnvSchema, { WORKER_HTTP_PORT: '0' }).WORKER_HTTP_PORT).toBe(0);
    });

    it('should refuse a queue type RabbitMQ does not have', () => {
      expect(problems(() => parseEnv(gatewayEnvSchema, { QUEUE_TYPE: 'stream' }))).toEqual([
        'QUEUE_TYPE: Invalid option: expected one of "classic"|"quorum"',
      ]);
    });

    it('should refuse to start when a body it accepts could not fit in a message the workers take', () => {
      expect(
        problems(() =>
          parseEnv(gatewayEnvSchema, {
            MESSAGE_MAX_BYTES: String(8 * MiB),
            QUEUE_MAX_BYTES: String(8 * MiB),
          }),
        ),
      ).toEqual([
        `IMPORT_BODY_LIMIT_BYTES: must leave 4096 bytes of MESSAGE_MAX_BYTES (${8 * MiB}) for the message envelope: at most ${8 * MiB - 4096}`,
      ]);
      expect(
        problems(() =>
          parseEnv(gatewayEnvSchema, { MESSAGE_MAX_BYTES: '65536', IMPORT_BODY_LIMIT_BYTES: '1024' }),
        ),
      ).toEqual([
        'BODY_LIMIT_BYTES: must leave 4096 bytes of MESSAGE_MAX_BYTES (65536) for the message envelope: at most 61440',
      ]);
      expect(
        parseEnv(gatewayEnvSchema, { IMPORT_BODY_LIMIT_BYTES: String(33 * MiB - 4096) })
          .IMPORT_BODY_LIMIT_BYTES,
      ).toBe(33 * MiB - 4096);
    });

    it('should coerce numeric variables from strings', () => {
      const env = parseEnv(gatewayEnvSchema, {
        PORT: '8080',
        RPC_TIMEOUT_MS: '250',
        BODY_LIMIT_BYTES: '1024',
      });

      expect(env).toMatchObject({ PORT: 8080, RPC_TIMEOUT_MS: 250, BODY_LIMIT_BYTES: 1024 });
    });

    it('should accept a strong secret in production', () => {
      const env = parseEnv(gatewayEnvSchema, { ...PRODUCTION, JWT_SECRET: PRODUCTION_SECRET });

      expect(env.JWT_SECRET).toBe(PRODUCTION_SECRET);
      expect(env.NODE_ENV).toBe('production');
    });

    it('should require JWT_SECRET in production', () => {
      expect(problems(() => parseEnv(gatewayEnvSchema, PRODUCTION))).toEqual([
        'JWT_SECRET: is required when NODE_ENV=production',
      ]);
    });

    it('should reject a secret shorter than 32 bytes, even outside production', () => {
      expect(problems(() => parseEnv(gatewayEnvSchema, { JWT_SECRET: 'x'.repeat(31) }))).toEqual([
        'JWT_SECRET: must be at least 32 bytes',
      ]);
    });

    it('should count the secret length in bytes, not characters', () => {
      // 16 two-byte characters are 32 bytes.
      expect(parseEnv(gatewayEnvSchema, { JWT_SECRET: 'é'.repeat(16) }).JWT_SECRET).toBe('é'.repeat(16));
    });

    it('should reject the development secret in production', () => {
      expect(
        problems(() => parseEnv(gatewayEnvSchema, { ...PRODUCTION, JWT_SECRET: DEV_JWT_SECRET })),
      ).toEqual(['JWT_SECRET: must not be the development secret when NODE_ENV=production']);
    });

    it('should treat an empty JWT_SECRET as unset', () => {
      expect(parseEnv(gatewayEnvSchema, { JWT_SECRET: '' }).JWT_SECRET).toBe(DEV_JWT_SECRET);
      expect(problems(() => parseEnv(gatewayEnvSchema, { ...PRODUCTION, JWT_SECRET: '' }))).toEqual([
        'JWT_SECRET: is required when NODE_ENV=production',
      ]);
    });
  });

  describe('development keys', () => {
    it.each([['development'], ['test'], [undefined]])(
      'should let NODE_ENV=%p run on the development keys',
      (NODE_ENV) => {
        expect(parseEnv(gatewayEnvSchema, { NODE_ENV })).toMatchObject({
          JWT_SECRET: DEV_JWT_SECRET,
          MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY,
        });
        expect(parseEnv(workerEnvSchema, { NODE_ENV }).MESSAGE_SIGNING_KEY).toBe(DEV_MESSAGE_SIGNING_KEY);
      },
    );

    it.each([['staging'], ['prod'], ['Development'], ['preview-42']])(
      'should refuse to start with NODE_ENV=%p and no keys, naming each missing one',
      (NODE_ENV) => {
        expect(problems(() => parseEnv(gatewayEnvSchema, { NODE_ENV }))).toEqual([
          `JWT_SECRET: is required when NODE_ENV=${NODE_ENV}`,
          `MESSAGE_SIGNING_KEY: is required when NODE_ENV=${NODE_ENV}`,
        ]);
        expect(problems(() => parseEnv(workerEnvSchema, { NODE_ENV }))).toEqual([
          `MESSAGE_SIGNING_KEY: is required when NODE_ENV=${NODE_ENV}`,
        ]);
      },
    );

    it('should refuse the development keys themselves outside development and test', () => {
      expect(
        problems(() =>
          parseEnv(workerEnvSchema, { NODE_ENV: 'staging', MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY }),
        ),
      ).toEqual(['MESSAGE_SIGNING_KEY: must not be the development secret when NODE_ENV=staging']);
    });

    it('should refuse a development key in any secret, the previous signing key included', () => {
      expect(
        problems(() =>
          parseEnv(workerEnvSchema, {
            ...PRODUCTION,
            MESSAGE_SIGNING_KEY_PREVIOUS: DEV_MESSAGE_SIGNING_KEY,
          }),
        ),
      ).toEqual([
        'MESSAGE_SIGNING_KEY_PREVIOUS: must not be the development secret when NODE_ENV=production',
      ]);
      expect(
        problems(() => parseEnv(gatewayEnvSchema, { ...PRODUCTION, JWT_SECRET: DEV_MESSAGE_SIGNING_KEY })),
      ).toEqual(['JWT_SECRET: must not be the development secret when NODE_ENV=production']);
    });

    it('should start any other NODE_ENV with real keys', () => {
      const env = parseEnv(gatewayEnvSchema, {
        NODE_ENV: 'staging',
        JWT_SECRET: PRODUCTION_SECRET,
        MESSAGE_SIGNING_KEY: PRODUCTION_MESSAGE_KEY,
      });

      expect(env).toMatchObject({ NODE_ENV: 'staging', JWT_SECRET: PRODUCTION_SECRET });
    });
  });

  describe('identity provider (JWKS)', () => {
    const JWKS = { JWT_JWKS_URI: 'https://id.example.com/.well-known/jwks.json' };
    const CHECKED = { JWT_ISSUER: 'https://id.example.com/', JWT_AUDIENCE: 'tenantry-api' };

    it('should accept an https JWKS with issuer and audience in production, and need no JWT_SECRET', () => {
      const env = parseEnv(gatewayEnvSchema, { ...PRODUCTION, ...JWKS, ...CHECKED });

      expect(env).toMatchObject({ ...JWKS, ...CHECKED, JWT_SECRET: '' });
    });

    it('should refuse a plain-http JWKS, and one without issuer or audience, in production', () => {
      expect(
        problems(() =>
          parseEnv(gatewayEnvSchema, { ...PRODUCTION, JWT_JWKS_URI: 'http://id.example.com/jwks.json' }),
        ),
      ).toEqual([
        'JWT_JWKS_URI: must be an https:// URL when NODE_ENV=production',
        'JWT_ISSUER: is required with JWT_JWKS_URI when NODE_ENV=production',
        'JWT_AUDIENCE: is required with JWT_JWKS_URI when NODE_ENV=production',
      ]);
      expect(
        problems(() =>
          parseEnv(gatewayEnvSchema, { ...PRODUCTION, ...JWKS, JWT_ISSUER: CHECKED.JWT_ISSUER }),
        ),
      ).toEqual(['JWT_AUDIENCE: is required with JWT_JWKS_URI when NODE_ENV=production']);
    });

    it('should hold any NODE_ENV but development and test to the same rules', () => {
      expect(
        problems(() =>
          parseEnv(gatewayEnvSchema, {
            NODE_ENV: 'staging',
            MESSAGE_SIGNING_KEY: PRODUCTION_MESSAGE_KEY,
            JWT_JWKS_URI: 'http://id.example.com/jwks.json',
            ...CHECKED,
          }),
        ),
      ).toEqual(['JWT_JWKS_URI: must be an https:// URL when NODE_ENV=staging']);
    });

    it('should let development use a local http JWKS without issuer or audience', () => {
      expect(
        parseEnv(gatewayEnvSchema, { JWT_JWKS_URI: 'http://127.0.0.1:8080/jwks.json' }).JWT_JWKS_URI,
      ).toBe('http://127.0.0.1:8080/jwks.json');
    });

    it('should report every problem at once: the identity provider and a missing key', () => {
      expect(
        problems(() =>
          parseEnv(gatewayEnvSchema, { NODE_ENV: 'production', ...JWKS, ...CHECKED, JWT_AUDIENCE: '' }),
        ),
      ).toEqual([
        'JWT_AUDIENCE: is required with JWT_JWKS_URI when NODE_ENV=production',
        'MESSAGE_SIGNING_KEY: is required when NODE_ENV=production',
      ]);
    });
  });

  describe('HTTP timeouts', () => {
    it('should read the timeouts from strings', () => {
      expect(
        parseEnv(gatewayEnvSchema, {
          HTTP_HEADERS_TIMEOUT_MS: '500',
          HTTP_REQUEST_TIMEOUT_MS: '2000',
          HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
        }),
      ).toMatchObject({
        HTTP_HEADERS_TIMEOUT_MS: 500,
        HTTP_REQUEST_TIMEOUT_MS: 2000,
        HTTP_KEEP_ALIVE_TIMEOUT_MS: 1000,
      });
    });

    it('should refuse a headers timeout longer than the request timeout, and a zero one', () => {
      expect(
        problems(() =>
          parseEnv(gatewayEnvSchema, { HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }),
        ),
      ).toEqual(['HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS']);
      expect(problems(() => parseEnv(gatewayEnvSchema, { HTTP_REQUEST_TIMEOUT_MS: '0' }))).toEqual([
        expect.stringMatching(/^HTTP_REQUEST_TIMEOUT_MS: /),
      ]);
    });
  });

  describe('worker schema', () => {
    it('should apply the development defaults to an empty environment', () => {
      expect(parseEnv(workerEnvSchema, {})).toEqual({
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        AMQP_URL: DEFAULT_AMQP_URL,
        QUEUE_PREFIX: '',
        ...QUEUE_DEFAULTS,
        DATABASE_URL: DEFAULT_DATABASE_URL,
        DATABASE_POOL_SIZE: 10,
        DATABASE_STATEMENT_TIMEOUT_MS: 5000,
        DATABASE_LOCK_TIMEOUT_MS: 1000,
        IDEMPOTENCY_TTL_HOURS: 24,
        WORKER_PREFETCH: 10,
        WORKER_QUEUES: 'all',
        WORKER_JOB_PREFETCH: 2,
        JOB_YIELD_MAX_WAIT_MS: 100,
        JOB_BATCH_SIZE: 500,
        JOB_MAX_AGE_HOURS: 24,
        TENANT_STATUS_TTL_MS: 5000,
        MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY,
        MESSAGE_SIGNING_KEY_PREVIOUS: undefined,
        MESSAGE_MAX_AGE_MS: 60_000,
        MESSAGE_MAX_CLOCK_SKEW_MS: 30_000,
        MESSAGE_SIGNATURE_ACCEPT_V1: false,
        WORKER_RETRY_ATTEMPTS: 8,
        WORKER_RETRY_BASE_MS: 250,
        WORKER_DRAIN_MS: 10_000,
        WORKER_HTTP_PORT: 3001,
        WORKER_HTTP_HOST: '127.0.0.1',
        HEALTH_TIMEOUT_MS: 2000,
      });
    });

    it('should not need a JWT secret in production, but a message signing key', () => {
      expect(parseEnv(workerEnvSchema, PRODUCTION).NODE_ENV).toBe('production');
      expect(problems(() => parseEnv(workerEnvSchema, { NODE_ENV: 'production' }))).toEqual([
        'MESSAGE_SIGNING_KEY: is required when NODE_ENV=production',
      ]);
    });

    it('should check a previous signing key like the current one', () => {
      expect(problems(() => parseEnv(workerEnvSchema, { MESSAGE_SIGNING_KEY_PREVIOUS: 'short' }))).toEqual([
        'MESSAGE_SIGNING_KEY_PREVIOUS: must be at least 32 bytes',
      ]);
    });

    it('should refuse queues too small to hold the largest message', () => {
      expect(
        problems(() => parseEnv(workerEnvSchema, { QUEUE_MAX_BYTES: '1000', DLQ_MAX_BYTES: '2000' })),
      ).toEqual([
        `QUEUE_MAX_BYTES: must be at least MESSAGE_MAX_BYTES (${33 * MiB})`,
        `DLQ_MAX_BYTES: must be at least MESSAGE_MAX_BYTES (${33 * MiB})`,
      ]);
      expect(
        parseEnv(workerEnvSchema, {
          MESSAGE_MAX_BYTES: '1000',
          QUEUE_MAX_BYTES: '1000',
          DLQ_MAX_BYTES: '1000',
        }),
      ).toMatchObject({ MESSAGE_MAX_BYTES: 1000, QUEUE_MAX_BYTES: 1000, DLQ_MAX_BYTES: 1000 });
    });

    it('should accept a TTL of 0 and reject a negative one', () => {
      expect(parseEnv(workerEnvSchema, { TENANT_STATUS_TTL_MS: '0' }).TENANT_STATUS_TTL_MS).toBe(0);
      expect(problems(() => parseEnv(workerEnvSchema, { TENANT_STATUS_TTL_MS: '-1' }))).toEqual([
        expect.stringMatching(/^TENANT_STATUS_TTL_MS: /),
      ]);
    });

    it('should take MESSAGE_SIGNATURE_ACCEPT_V1 as "true" or "false" only', () => {
      expect(
        parseEnv(workerEnvSchema, { MESSAGE_SIGNATURE_ACCEPT_V1: 'true' }).MESSAGE_SIGNATURE_ACCEPT_V1,
      ).toBe(true);
      expect(
        parseEnv(workerEnvSchema, { MESSAGE_SIGNATURE_ACCEPT_V1: 'false' }).MESSAGE_SIGNATURE_ACCEPT_V1,
      ).toBe(false);
      for (const junk of ['1', 'yes', 'TRUE', ' true']) {
        expect(problems(() => parseEnv(workerEnvSchema, { MESSAGE_SIGNATURE_ACCEPT_V1: junk }))).toEqual([
          expect.stringMatching(/^MESSAGE_SIGNATURE_ACCEPT_V1: /),
        ]);
      }
    });

    it('should reject a non-postgres DATABASE_URL on one line', () => {
      expect(problems(() => parseEnv(workerEnvSchema, { DATABASE_URL: 'mysql://u:p@db/x' }))).toEqual([
        'DATABASE_URL: must be a postgres:// or postgresql:// URL',
      ]);
    });
  });

  describe('admin schema', () => {
    it("should leave db:migrate's lock bounds to the migrator's defaults when unset", () => {
      const env = parseEnv(adminEnvSchema, {});
      expect([env.MIGRATION_LOCK_WAIT_MS, env.MIGRATION_LOCK_TIMEOUT_MS]).toEqual([undefined, undefined]);
    });

    it('should coerce the lock bounds and refuse anything but a positive integer', () => {
      const env = parseEnv(adminEnvSchema, {
        MIGRATION_LOCK_WAIT_MS: '5000',
        MIGRATION_LOCK_TIMEOUT_MS: '250',
      });
      expect([env.MIGRATION_LOCK_WAIT_MS, env.MIGRATION_LOCK_TIMEOUT_MS]).toEqual([5000, 250]);
      expect(
        problems(() =>
          parseEnv(adminEnvSchema, { MIGRATION_LOCK_WAIT_MS: '0', MIGRATION_LOCK_TIMEOUT_MS: 'soon' }),
        ),
      ).toEqual([
        expect.stringMatching(/^MIGRATION_LOCK_WAIT_MS: /),
        expect.stringMatching(/^MIGRATION_LOCK_TIMEOUT_MS: /),
      ]);
    });
  });

  describe('dlq schema', () => {
    it('should apply the development defaults to an empty environment', () => {
      expect(parseEnv(dlqEnvSchema, {})).toEqual({
        NODE_ENV: 'development',
        AMQP_URL: DEFAULT_AMQP_URL,
        QUEUE_PREFIX: '',
        MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY,
        MESSAGE_SIGNING_KEY_PREVIOUS: undefined,
        MESSAGE_SIGNATURE_ACCEPT_V1: false,
        DLQ_REPLAY_DEADLINE_MS: 30_000,
        IDEMPOTENCY_TTL_HOURS: 24,
      });
    });

    it('should not need a signing key in production (list and purge sign nothing), but check one given', () => {
      expect(parseEnv(dlqEnvSchema, { NODE_ENV: 'production' }).MESSAGE_SIGNING_KEY).toBeUndefined();
      expect(
        problems(() =>
          parseEnv(dlqEnvSchema, { NODE_ENV: 'production', MESSAGE_SIGNING_KEY: DEV_MESSAGE_SIGNING_KEY }),
        ),
      ).toEqual(['MESSAGE_SIGNING_KEY: must not be the development secret when NODE_ENV=production']);
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['AMQP_URL', 'http://broker:5672'],
    ['QUEUE_PREFIX', 'tenant queue'],
    ['QUEUE_PREFIX', 'a/b'],
    ['NODE_ENV', 'prod uction'],
  ])('should report a bad %s (%p) on exactly one line naming it', (name, value) => {
    expect(problems(() => parseEnv(gatewayEnvSchema, { [name]: value }))).toEqual([
      expect.stringMatching(new RegExp(`^${name}: \\S`)),
    ]);
  });

  it('should report a malformed AMQP_URL on one line, not once per failed check', () => {
    // Today both the url() check and the amqp:// refinement fire, giving two lines for one variable.
    expect(problems(() => parseEnv(gatewayEnvSchema, { AMQP_URL: 'not a url' }))).toEqual([
      expect.stringMatching(/^AMQP_URL: \S/),
    ]);
  });

  it('should report every bad variable, one line each', () => {
    const lines = problems(() =>
      parseEnv(workerEnvSchema, { PORT: 'ignored', WORKER_PREFETCH: '0', QUEUE_PREFIX: '#' }),
    );

    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^WORKER_PREFETCH: /),
        expect.stringMatching(/^QUEUE_PREFIX: /),
      ]),
    );
  });

  it('should treat empty strings as unset so defaults apply', () => {
    expect(
      parseEnv(gatewayEnvSchema, { PORT: '', AMQP_URL: '', QUEUE_PREFIX: '', NODE_ENV: '' }),
    ).toMatchObject({
      PORT: 3000,
      AMQP_URL: DEFAULT_AMQP_URL,
      QUEUE_PREFIX: '',
      NODE_ENV: 'development',
    });
  });

  it('should format the error message with a heading and one indented line per problem', () => {
    const error = new InvalidConfigError(['A: bad', 'B: worse']);

    expect(error.name).toBe('InvalidConfigError');
    expect(error.message).toBe('Invalid configuration:\n  - A: bad\n  - B: worse');
  });
});

import { ConfigService } from '@nestjs/config';
import { isDeployed, queueSettingsOf, WorkerEnv } from '@app/config';
import type { DatabaseOptions } from '@app/database';
import type { LoggingOptions } from '@app/logging';
import type { MessagePipelineOptions } from '@app/message-pipeline';
import type { MetricsOptions } from '@app/metrics';
import type { BrokerOptions } from '@app/messaging';

type Config = ConfigService<WorkerEnv, true>;

// Measured on two cores with an import running: creates' p99 fell by a third at 10; at 19 imports
// slowed further for no better p99 (docs/benchmarks.md, "A worker for jobs").
const JOBS_WORKER_NICE = 10;

// The worker's environment, read once, handed to each lib as the options that lib owns.
export function databaseOptionsFrom(config: Config): DatabaseOptions {
  const poolSize = config.get('DATABASE_POOL_SIZE', { infer: true });
  return {
    url: config.get('DATABASE_URL', { infer: true }),
    poolSize,
    applicationName: 'tenantry-worker',
    tenantStatusTtlMs: config.get('TENANT_STATUS_TTL_MS', { infer: true }),
    statementTimeoutMs: config.get('DATABASE_STATEMENT_TIMEOUT_MS', { infer: true }),
    lockTimeoutMs: config.get('DATABASE_LOCK_TIMEOUT_MS', { infer: true }),
    maxTransactionsPerTenant:
      config.get('DATABASE_TENANT_MAX_TRANSACTIONS', { infer: true }) ?? Math.ceil(poolSize / 2),
    inboxRetentionMs: config.get('IDEMPOTENCY_TTL_HOURS', { infer: true }) * 3_600_000,
  };
}

export function messagePipelineOptionsFrom(config: Config): MessagePipelineOptions {
  const previous = config.get('MESSAGE_SIGNING_KEY_PREVIOUS', { infer: true });
  return {
    queuePrefix: config.get('QUEUE_PREFIX', { infer: true }),
    signingSecrets: [config.get('MESSAGE_SIGNING_KEY', { infer: true }), ...(previous ? [previous] : [])],
    maxAgeMs: config.get('MESSAGE_MAX_AGE_MS', { infer: true }),
    maxClockSkewMs: config.get('MESSAGE_MAX_CLOCK_SKEW_MS', { infer: true }),
    acceptSignatureV1: config.get('MESSAGE_SIGNATURE_ACCEPT_V1', { infer: true }),
    retryAttempts: config.get('WORKER_RETRY_ATTEMPTS', { infer: true }),
    retryBaseDelayMs: config.get('WORKER_RETRY_BASE_MS', { infer: true }),
    amqpUrl: config.get('AMQP_URL', { infer: true }),
    jobMaxAgeMs: config.get('JOB_MAX_AGE_HOURS', { infer: true }) * 3_600_000,
    jobBatchSize: config.get('JOB_BATCH_SIZE', { infer: true }),
    jobShards: config.get('JOB_QUEUE_SHARDS', { infer: true }),
    jobPacing: {
      concurrency: config.get('WORKER_JOB_PREFETCH', { infer: true }),
      maxWaitMs: config.get('JOB_YIELD_MAX_WAIT_MS', { infer: true }),
    },
  };
}

export function brokerOptionsFrom(config: Config): BrokerOptions & { prefetch: number } {
  return {
    url: config.get('AMQP_URL', { infer: true }),
    queuePrefix: config.get('QUEUE_PREFIX', { infer: true }),
    queues: queueSettingsOf(config),
    prefetch: config.get('WORKER_PREFETCH', { infer: true }),
  };
}

export function metricsOptionsFrom(config: Config): MetricsOptions {
  return {
    tenantLabels: config.get('METRICS_TENANT_LABELS', { infer: true }),
    enabled: config.get('METRICS_ENABLED', { infer: true }),
  };
}

export function loggingOptionsFrom(config: Config): LoggingOptions {
  return {
    level: config.get('LOG_LEVEL', { infer: true }),
    pretty: !isDeployed({ NODE_ENV: config.get('NODE_ENV', { infer: true }) }),
  };
}

/** The nice value a worker takes at boot: a jobs-only worker yields the CPU to the request path. */
export function workerNiceFrom(config: Config): number {
  const nice = config.get('WORKER_NICE', { infer: true });
  if (nice !== undefined) return nice;
  return config.get('WORKER_QUEUES', { infer: true }) === 'jobs' ? JOBS_WORKER_NICE : 0;
}

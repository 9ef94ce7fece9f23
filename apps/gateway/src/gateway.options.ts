import { ConfigService } from '@nestjs/config';
import type { AuthOptions } from '@app/auth';
import type { CommandClientOptions } from '@app/command-client';
import { GatewayEnv, isDeployed, queueSettingsOf } from '@app/config';
import type { LoggingOptions } from '@app/logging';
import type { MetricsOptions } from '@app/metrics';
import type { RateLimitOptions } from '@app/rate-limits';

type Config = ConfigService<GatewayEnv, true>;

// The gateway's environment, read once, handed to each lib as the options that lib owns.
export function authOptionsFrom(config: Config): AuthOptions {
  return {
    jwtSecret: config.get('JWT_SECRET', { infer: true }),
    jwksUri: config.get('JWT_JWKS_URI', { infer: true }),
    issuer: config.get('JWT_ISSUER', { infer: true }),
    audience: config.get('JWT_AUDIENCE', { infer: true }),
    clockToleranceS: config.get('JWT_CLOCK_TOLERANCE_S', { infer: true }),
    jwksCooldownMs: config.get('JWT_JWKS_COOLDOWN_MS', { infer: true }),
    jwksRefreshMs: config.get('JWT_JWKS_REFRESH_MS', { infer: true }),
  };
}

export function commandClientOptionsFrom(config: Config): CommandClientOptions {
  return {
    url: config.get('AMQP_URL', { infer: true }),
    queuePrefix: config.get('QUEUE_PREFIX', { infer: true }),
    queues: queueSettingsOf(config),
    timeoutMs: config.get('RPC_TIMEOUT_MS', { infer: true }),
    maxInFlight: config.get('RPC_MAX_IN_FLIGHT', { infer: true }),
    signingSecret: config.get('MESSAGE_SIGNING_KEY', { infer: true }),
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

export function rateLimitOptionsFrom(config: Config): RateLimitOptions {
  const rps = config.get('RATE_LIMIT_RPS', { infer: true });
  return {
    defaults: rps > 0 ? { rps, burst: config.get('RATE_LIMIT_BURST', { infer: true }) } : undefined,
    cacheMs: config.get('RATE_LIMIT_CACHE_MS', { infer: true }),
  };
}

import type { ConfigService } from '@nestjs/config';
import type { BaseEnv } from './env.schema';

/** The broker's queue settings, read alike by every app, in the shape @app/messaging takes. */
export function queueSettingsOf(config: ConfigService<BaseEnv, true>) {
  return {
    type: config.get('QUEUE_TYPE', { infer: true }),
    deliveryLimit: config.get('QUEUE_DELIVERY_LIMIT', { infer: true }),
    deadLetterMaxLength: config.get('DLQ_MAX_LENGTH', { infer: true }),
    deadLetterMaxBytes: config.get('DLQ_MAX_BYTES', { infer: true }),
    deadLetterTtlMs: config.get('DLQ_MESSAGE_TTL_HOURS', { infer: true }) * 3_600_000,
    maxLength: config.get('QUEUE_MAX_LENGTH', { infer: true }),
    maxBytes: config.get('QUEUE_MAX_BYTES', { infer: true }),
    maxMessageBytes: config.get('MESSAGE_MAX_BYTES', { infer: true }),
    jobShards: config.get('JOB_QUEUE_SHARDS', { infer: true }),
  };
}

import { z } from 'zod';

/**
 * The OpenTelemetry settings both services read, before Nest loads (their instrumentations must
 * patch `http` and `pg` first). The names are OpenTelemetry's own.
 */
export const tracingEnvSchema = z.object({
  // Spans are exported (OTLP over HTTP, to <endpoint>/v1/traces) only when this is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), 'must be an http:// or https:// URL')
    .optional(),
  OTEL_SERVICE_NAME: z.string().max(200).optional(),
  // OpenTelemetry's own switch: `true` starts no tracing at all (no spans, no trace ids in logs).
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
});

export type TracingEnv = z.infer<typeof tracingEnvSchema>;

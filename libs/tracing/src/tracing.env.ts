import { parseEnv, tracingEnvSchema } from '@app/config';
import { startTracing } from './tracing.setup';

/**
 * Starts tracing from OpenTelemetry's own variables, as each app's tracing.ts does before anything
 * else loads. Returns why it could not (a bad OTEL_* value) for main.ts to report; with
 * OTEL_SDK_DISABLED=true it starts nothing.
 */
export function startTracingFromEnv(env: NodeJS.ProcessEnv, serviceName: string): Error | undefined {
  try {
    const settings = parseEnv(tracingEnvSchema, env);
    if (settings.OTEL_SDK_DISABLED === 'true') return undefined;
    startTracing({
      serviceName: settings.OTEL_SERVICE_NAME ?? serviceName,
      exporterEndpoint: settings.OTEL_EXPORTER_OTLP_ENDPOINT,
    });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

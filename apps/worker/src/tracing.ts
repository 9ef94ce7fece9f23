// Imported first by main.ts, before anything requires `http` or `pg`: their instrumentations patch
// them as they are loaded. Tests build the app without it (and trace with an in-memory exporter).
import { parseEnv, tracingEnvSchema } from '@app/config';
import { startTracing } from '@app/tracing';

function start(): Error | undefined {
  try {
    const env = parseEnv(tracingEnvSchema, process.env);
    if (env.OTEL_SDK_DISABLED === 'true') return undefined;
    startTracing({
      serviceName: env.OTEL_SERVICE_NAME ?? 'tenantry-worker',
      exporterEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Why tracing did not start (a bad OTEL_* value): main.ts reports it and exits. */
export const tracingFailure = start();

// Imported first by main.ts, before anything requires `http` or `pg`: their instrumentations patch
// them as they are loaded. Tests build the app without it (and trace with an in-memory exporter).
import { startTracingFromEnv } from '@app/tracing';

/** Why tracing did not start (a bad OTEL_* value): main.ts reports it and exits. */
export const tracingFailure = startTracingFromEnv(process.env, 'tenantry-gateway');

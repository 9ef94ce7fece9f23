// First: tracing must patch http and pg before anything loads them.
import { tracingFailure } from './tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GatewayEnv } from '@app/config';
import { createGateway } from './create-gateway';

async function bootstrap(): Promise<void> {
  if (tracingFailure) throw tracingFailure;
  const app = await createGateway();
  const config = app.get<ConfigService<GatewayEnv, true>>(ConfigService);
  const port = config.get('PORT', { infer: true });
  // Node's default backlog (511) resets connections in a burst while the event loop is busy.
  await app.listen({ port, host: config.get('HOST', { infer: true }), backlog: 2048 });
  Logger.log(`Gateway listening on port ${port}`, 'Bootstrap');
}

bootstrap().catch((err: unknown) => {
  Logger.error(err instanceof Error ? err.message : String(err), 'Bootstrap');
  // Nest holds log lines in a buffer until the app is up (bufferLogs); a boot that failed can leave
  // them there, this line included, and exit would drop them: the worker without a database role
  // used to end with code 1 and not a word.
  Logger.flush();
  process.exit(1);
});

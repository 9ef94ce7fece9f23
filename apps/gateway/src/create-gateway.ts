import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEV_JWT_SECRET, GatewayEnv, gatewayEnvSchema, parseEnv } from '@app/config';
import { EscapingConsoleLogger } from '@app/logging';
import { declareDeadLetterQueue } from '@app/messaging';
import { GatewayModule } from './gateway.module';
import { commandClientOptionsFrom } from './gateway.options';

const IMPORT_ROUTE = '/projects/import';

/** Builds the gateway, ready to listen; tests call this too. */
export async function createGateway(): Promise<NestFastifyApplication> {
  // Fastify takes its body limit at construction, before Nest's config module exists.
  const { BODY_LIMIT_BYTES: bodyLimit, IMPORT_BODY_LIMIT_BYTES: importLimit } = parseEnv(
    gatewayEnvSchema,
    process.env,
  );
  const adapter = new FastifyAdapter({ bodyLimit });
  // The import route alone takes up to 10,000 items; Fastify sets a route's limit as it is added.
  adapter.getInstance().addHook('onRoute', (route) => {
    if (route.url === IMPORT_ROUTE) route.bodyLimit = importLimit;
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, adapter, {
    bufferLogs: false,
    logger: new EscapingConsoleLogger(),
  });
  const config = app.get<ConfigService<GatewayEnv, true>>(ConfigService);
  if (config.get('JWT_SECRET', { infer: true }) === DEV_JWT_SECRET) {
    Logger.warn(
      'JWT_SECRET is not set: using the development secret. Never do this in production.',
      'Config',
    );
  }
  // Best effort: the worker declares it too before it consumes. A gateway started while the broker
  // is down still serves /health (503) and answers 503 rather than refusing to start.
  await declareDeadLetterQueue(commandClientOptionsFrom(config)).catch((err: unknown) =>
    Logger.error(`Could not declare the dead-letter queue: ${String(err)}`, 'Bootstrap'),
  );
  app.enableShutdownHooks();
  return app;
}

import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { setupApiDocs } from '@app/api-docs';
import { developmentKeysWarning, GatewayEnv, gatewayEnvSchema, parseEnv } from '@app/config';
import { AppLogger, correlationIdOf, CORRELATION_ID_HEADER } from '@app/logging';
import { declareDeadLetterQueue } from '@app/messaging';
import { GatewayModule } from './gateway.module';
import { commandClientOptionsFrom } from './gateway.options';

const IMPORT_ROUTE = '/projects/import';

/**
 * Fastify's options: the body limit, and the timeouts that close a connection trickling its
 * request (Fastify turns Node's request timeout off by default). Node checks the headers and
 * request timeouts every connectionsCheckingInterval (30 s by default): at most a second here, so
 * such a connection is closed within its timeout plus a second.
 */
function fastifyOptions(env: GatewayEnv) {
  return {
    bodyLimit: env.BODY_LIMIT_BYTES,
    // The request's id is its correlation id: the client's if sane, else a new one.
    genReqId: correlationIdOf,
    requestTimeout: env.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: env.HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, env.HTTP_HEADERS_TIMEOUT_MS),
    },
  };
}

/** Builds the gateway, ready to listen; tests call this too. */
export async function createGateway(): Promise<NestFastifyApplication> {
  // Fastify takes these at construction, before Nest's config module exists.
  const env = parseEnv(gatewayEnvSchema, process.env);
  const adapter = new FastifyAdapter(fastifyOptions(env));
  // The import route alone takes up to 10,000 items; Fastify sets a route's limit as it is added.
  adapter.getInstance().addHook('onRoute', (route) => {
    if (route.url === IMPORT_ROUTE) route.bodyLimit = env.IMPORT_BODY_LIMIT_BYTES;
  });
  // First of all hooks, so that every response carries it, errors and 404s included.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_ID_HEADER, request.id);
    done();
  });
  // Held until the app's own logger (LoggingModule) exists.
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, adapter, { bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  const config = app.get<ConfigService<GatewayEnv, true>>(ConfigService);
  const warning = developmentKeysWarning({
    JWT_SECRET: config.get('JWT_SECRET', { infer: true }),
    MESSAGE_SIGNING_KEY: config.get('MESSAGE_SIGNING_KEY', { infer: true }),
  });
  if (warning) Logger.warn(warning, 'Config');
  // Best effort: the worker declares it too before it consumes. A gateway started while the broker
  // is down still serves /health (503) and answers 503 rather than refusing to start.
  await declareDeadLetterQueue(commandClientOptionsFrom(config)).catch((err: unknown) =>
    Logger.error(`Could not declare the dead-letter queue: ${String(err)}`, 'Bootstrap'),
  );
  setupApiDocs(app);
  app.enableShutdownHooks();
  return app;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import { logFields, requestLine } from './log-context';
import { prettyStream } from './pretty-stream';
import { redaction, withoutSecrets, withoutTokens } from './redaction';

export interface LoggingOptions {
  level: LevelWithSilent;
  /** Readable lines (pino-pretty) rather than JSON, where pino-pretty is installed. */
  pretty: boolean;
}

type Res = ServerResponse<IncomingMessage>;

/**
 * Both apps' logger. nestjs-pino keeps one pino instance per process, made by whichever app asks
 * first (tests run the gateway and a worker in one process), so nothing here may differ by app.
 */
export async function loggerParams(options: LoggingOptions): Promise<Params> {
  const pinoHttp: Options<IncomingMessage, Res> = {
    level: options.level,
    mixin: logFields,
    redact: redaction,
    formatters: { log: withoutSecrets },
    hooks: { streamWrite: withoutTokens },
    // Lines logged during a request carry its method and url; headers (credentials) never.
    serializers: { req: (req: IncomingMessage) => ({ method: req.method, url: req.url }) },
    // The closing line is written whole by requestLine, without the request bound to it again.
    quietResLogger: true,
    customAttributeKeys: { responseTime: 'durationMs' },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: { durationMs?: number }) =>
      requestLine(req, res, value.durationMs ?? 0),
    customErrorObject: (req, res, _err, value: { durationMs?: number }) =>
      requestLine(req, res, value.durationMs ?? 0),
  };
  const stream = options.pretty ? await prettyStream() : undefined;
  return {
    pinoHttp: stream ? [pinoHttp, stream] : pinoHttp,
    // Every request, as nestjs-cls mounts its middleware on Fastify 5. nestjs-pino's own default,
    // `{/*splat}`, is given a leading slash by Nest 12 and then matches no request at all.
    forRoutes: ['{*path}'],
  };
}

// The apps' tracing.ts under Node's own module loader (the in-process tests cannot show this: Jest
// loads modules past the require hooks): it must patch http, and when exporting pg too, including
// the pg that @prisma/adapter-pg loads, and export over OTLP/HTTP only when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Not exporting, SQL spans would be made for nobody.
import { execFile } from 'node:child_process';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertBuilt } from '../support/worker-process';

const ROOT = join(__dirname, '..', '..');

// Loads the app as main.ts does (tracing first, then the app and with it Prisma's pg adapter),
// makes one span, flushes, and prints what is patched.
const SCRIPT = `
const { tracingFailure } = require('./dist/apps/APP/src/tracing.js');
if (tracingFailure) { process.stdout.write(JSON.stringify({ failure: tracingFailure.message })); process.exit(0); }
require('./dist/apps/APP/src/create-APP.js');
const { isWrapped } = require('@opentelemetry/instrumentation');
const { trace } = require('@opentelemetry/api');
const { flushTraces } = require('./dist/libs/tracing/src/index.js');
const adapterPg = require.resolve('pg', { paths: [require.resolve('@prisma/adapter-pg')] });
trace.getTracer('check').startSpan('check').end();
flushTraces().then(() => process.stdout.write(JSON.stringify({
  pg: isWrapped(require(adapterPg).Client.prototype.query),
  http: isWrapped(require('http').Server.prototype.emit),
})));
`;

async function run(app: 'gateway' | 'worker', env: Record<string, string>) {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT.replaceAll('APP', app)], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env },
  });
  return JSON.parse(stdout) as { pg?: boolean; http?: boolean; failure?: string };
}

describe('tracing.ts of each app', () => {
  const received: Array<{ url?: string; body: string }> = [];
  const collector = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: req.url, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  let endpoint = '';

  beforeAll(async () => {
    assertBuilt();
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => collector.close(resolve)));
  beforeEach(() => received.splice(0));

  it.each(['gateway', 'worker'] as const)(
    'should patch http but not pg in the %s, and export nothing, without an endpoint',
    async (app) => {
      expect(await run(app, {})).toEqual({ pg: false, http: true });
      expect(received).toEqual([]);
    },
  );

  it.each(['gateway', 'worker'] as const)(
    "should patch http and the pg of Prisma's adapter in the %s, and export its spans to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces under its service name",
    async (app) => {
      expect(await run(app, { OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/` })).toEqual({
        pg: true,
        http: true,
      });
      expect(received.map((r) => r.url)).toEqual(['/v1/traces']);
      expect(received[0].body).toContain(`tenantry-${app}`);
      expect(received[0].body).toContain('"check"');
    },
  );

  it.each(['gateway', 'worker'] as const)(
    'should start no tracing in the %s with OTEL_SDK_DISABLED=true, even with an endpoint',
    async (app) => {
      const disabled = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'true' };
      expect(await run(app, disabled)).toEqual({ pg: false, http: false });
      expect(received).toEqual([]);
    },
  );

  it('should take OTEL_SERVICE_NAME as the service name', async () => {
    await run('worker', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'worker-eu-1' });
    expect(received[0]?.body).toContain('worker-eu-1');
  });

  it('should refuse an endpoint that is not an http(s) URL, naming it', async () => {
    expect(await run('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual({
      failure: expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL'),
    });
  });
});

import { sign } from 'jsonwebtoken';
import { CLS_ID, ClsServiceManager } from 'nestjs-cls';
import type { Logger } from 'pino';
import { pinoHttp, type Options } from 'pino-http';
import { loggerParams } from './logger-params';

const IDENTITY = {
  tenantId: '0b6c3c9e-1f4e-4d55-9a49-6a1f9f6f3b1a',
  userId: 'user-1',
  correlationId: 'corr-1',
};

/** A logger built from the apps' options, writing JSON lines to an array. */
async function jsonLogger(level: 'info' | 'warn' = 'info') {
  const { pinoHttp: options } = await loggerParams({ level, pretty: false });
  const written: string[] = [];
  const { logger } = pinoHttp(options as Options, { write: (line: string) => void written.push(line) });
  return {
    logger: logger as Logger,
    written,
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe(loggerParams.name, () => {
  it('should write JSON lines, and none below the level', async () => {
    const { logger, lines } = await jsonLogger('warn');

    logger.info('quiet');
    logger.warn('loud');

    expect(lines()).toEqual([expect.objectContaining({ level: 40, msg: 'loud' })]);
  });

  it('should redact credentials, signatures and secrets wherever a path names them', async () => {
    const { logger, written, lines } = await jsonLogger();

    logger.info(
      {
        headers: { authorization: 'Bearer abc', cookie: 'sid=abc', 'x-signature': 'v2.abc' },
        token: 'abc',
        options: { signingSecret: 'kept', secret: 'abc', password: 'abc', signature: 'abc' },
      },
      'with credentials',
    );

    expect(written.join('')).not.toContain('abc');
    expect(lines()[0]).toMatchObject({
      headers: { authorization: '[Redacted]', cookie: '[Redacted]', 'x-signature': '[Redacted]' },
      token: '[Redacted]',
      options: { secret: '[Redacted]', password: '[Redacted]', signature: '[Redacted]' },
    });
  });

  it('should redact a secret one level down without touching the logged object, an error kept whole', async () => {
    const { logger, written, lines } = await jsonLogger();
    const options = { secret: 'abc', name: 'kept' };
    const err = Object.assign(new Error('refused'), { token: 'abc' });

    logger.error({ options, err }, 'with a nested secret');

    expect(written.join('')).not.toContain('abc');
    expect(lines()[0]).toMatchObject({
      options: { secret: '[Redacted]', name: 'kept' },
      err: { message: 'refused', token: '[Redacted]', stack: expect.stringContaining('Error: refused') },
    });
    expect(options.secret).toBe('abc');
    expect(err.token).toBe('abc');
  });

  it('should log a request as its method and url, never its headers', async () => {
    const { logger, written, lines } = await jsonLogger();

    logger.info({ req: { method: 'GET', url: '/projects', headers: { authorization: 'Bearer abc' } } });

    expect(lines()[0]).toMatchObject({ req: { method: 'GET', url: '/projects' } });
    expect(written.join('')).not.toContain('abc');
  });

  it('should replace anything shaped like a JWT, in a message, a field or an error', async () => {
    const { logger, written } = await jsonLogger();
    const jwt = sign({ tenantId: IDENTITY.tenantId, sub: 'user-1' }, 'a-secret-of-at-least-32-bytes-long!!');
    const [, payload, signature] = jwt.split('.');

    logger.warn({ note: `got ${jwt}`, nested: { deep: { value: jwt } } }, `token ${jwt} refused`);
    logger.error({ err: new Error(`bad token ${jwt}`) }, 'failed');

    const output = written.join('');
    expect(output).not.toContain(payload);
    expect(output).not.toContain(signature);
    expect(output.match(/\[Redacted\] JWT/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('should add the tenant, user and correlation id of the CLS context to every line', async () => {
    const { logger, lines } = await jsonLogger();
    const cls = ClsServiceManager.getClsService();

    cls.run(() => {
      cls.set('identity', IDENTITY);
      logger.info('inside');
    });
    logger.info('outside');

    const [inside, outside] = lines();
    expect(inside).toMatchObject({ ...IDENTITY, msg: 'inside' });
    expect(outside).not.toHaveProperty('tenantId');
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('should take the request id as the correlation id while the tenant is not known yet', async () => {
    const { logger, lines } = await jsonLogger();
    const cls = ClsServiceManager.getClsService();

    cls.run(() => {
      cls.set(CLS_ID, 'request-1');
      logger.info('before the guard');
    });

    expect(lines()[0]).toMatchObject({ correlationId: 'request-1' });
    expect(lines()[0]).not.toHaveProperty('tenantId');
  });
});

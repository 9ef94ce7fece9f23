// An app that cannot boot must say why before it exits, whatever state Nest's log buffer is in:
// an operator reading the logs of a crash-looping container has nothing else to go on.
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { once } from 'node:events';
import { AppProcess, freePort } from '../support/app-process';
import { postgresUrl } from '../support/test-env';

describe('An app that cannot boot', () => {
  it('should exit 1 from the worker, naming the database role it could not log in as', async () => {
    const role = `tenantry_missing_${randomBytes(4).toString('hex')}`;
    const { code, output } = await AppProcess.runToExit('worker', {
      DATABASE_URL: postgresUrl(role, 'nothing', 'postgres'),
      WORKER_HTTP_PORT: String(await freePort()),
    });

    expect(code).toBe(1);
    expect(output).toContain(`role "${role}" does not exist`);
  });

  it('should exit 1 from the gateway, naming the port it could not listen on', async () => {
    const taken: Server = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const { code, output } = await AppProcess.runToExit('gateway', {
        PORT: String(port),
        HOST: '127.0.0.1',
      });

      expect(code).toBe(1);
      expect(output).toMatch(new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${port}`));
    } finally {
      taken.close();
    }
  });
});

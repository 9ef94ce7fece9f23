// Threat: an app started without its keys runs on the public development keys, with which anyone
// can mint tokens or sign commands. Development and test may (the two-command start needs it), and
// both apps then say so; any other NODE_ENV refuses to start.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deleteQueues } from '@app/messaging';
import { useBroker } from '../support/broker';
import { ownQueuePrefix, startGateway, startWorker } from '../support/stack';
import { waitFor } from '../support/wait-for';
import { assertBuilt } from '../support/worker-process';

const ROOT = join(__dirname, '..', '..');

describe('Apps without their keys', () => {
  const broker = useBroker();
  const saved = { ...process.env };
  let output = '';

  beforeEach(() => {
    delete process.env.JWT_SECRET;
    delete process.env.MESSAGE_SIGNING_KEY;
    output = '';
    const capture = (chunk: unknown) => {
      output += String(chunk);
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
  });

  it('should start both on the development keys under NODE_ENV=test, each with a warning', async () => {
    const prefix = ownQueuePrefix();
    const worker = await startWorker();
    try {
      // Closed only once it consumes: a worker closed while it sets up its channels fails noisily.
      await waitFor(
        async () => (await broker.consumerCount(broker.queues.commands)) > 0,
        10_000,
        'a consumer',
      );
      const { gateway, baseUrl } = await startGateway();
      // Likewise once connected to the broker.
      await waitFor(async () => (await fetch(`${baseUrl}/health`)).ok, 10_000, 'the gateway connected');
      await gateway.close();
    } finally {
      await worker.close();
      await deleteQueues(process.env.AMQP_URL ?? '', prefix);
    }

    const warnings = output.split('\n').filter((line) => /WARN.*\[Config\]/.test(line));
    expect(warnings).toEqual([
      expect.stringContaining('MESSAGE_SIGNING_KEY not set: using the public development key.'),
      expect.stringContaining(
        'JWT_SECRET and MESSAGE_SIGNING_KEY not set: using the public development keys.',
      ),
    ]);
  });

  // As real processes: Nest ends the process itself when a module fails to load.
  it.each([['production'], ['staging'], ['prod']])(
    'should refuse to start either app with NODE_ENV=%s, naming the missing key',
    (nodeEnv) => {
      assertBuilt();
      const run = (app: string) =>
        spawnSync(process.execPath, [join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
          cwd: ROOT,
          env: { ...process.env, NODE_ENV: nodeEnv, NO_COLOR: '1' },
          encoding: 'utf8',
          timeout: 20_000,
        });

      const worker = run('worker');
      expect(worker.status).toBe(1);
      expect(worker.stdout + worker.stderr).toContain(
        `MESSAGE_SIGNING_KEY: is required when NODE_ENV=${nodeEnv}`,
      );
      const gateway = run('gateway');
      expect(gateway.status).toBe(1);
      expect(gateway.stdout + gateway.stderr).toContain(`JWT_SECRET: is required when NODE_ENV=${nodeEnv}`);
    },
  );
});

// Scale-out: two gateway processes and three worker processes share one tenant's load, and one of
// each is killed (kill -9) mid-stream. A client sends each try of a create to the next gateway and
// retries one that got no answer, with the same Idempotency-Key: every key ends with exactly one
// row, none twice (the inbox answers a retry whose first attempt had committed), no 500, nothing
// dead-lettered. Everything runs as real processes from dist, on this file's queues and database.
import { deleteQueues } from '@app/messaging';
import { AppProcess, freePort } from '../support/app-process';
import { useBroker } from '../support/broker';
import { closePools } from '../support/database';
import { expectNoHarm, underFault, warmUp } from '../support/fault-stream';
import { ownQueuePrefix } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { useWorkerProcesses } from '../support/worker-process';

describe('Two gateways and three workers, one of each killed mid-stream', () => {
  const prefix = ownQueuePrefix();
  const workers = useWorkerProcesses();
  const broker = useBroker();
  const gateways: AppProcess[] = [];

  afterAll(async () => {
    try {
      await Promise.all(gateways.map((gateway) => gateway.kill()));
    } finally {
      await closePools();
      await deleteQueues(process.env.AMQP_URL ?? '', prefix);
    }
  });

  async function startGateway(): Promise<string> {
    const port = await freePort();
    gateways.push(await AppProcess.start('gateway', { PORT: String(port), HOST: '127.0.0.1' }));
    return `http://127.0.0.1:${port}`;
  }

  it(
    'should share the load with no effect lost or applied twice',
    workers.withLogs(async () => {
      const [victimWorker, ...survivors] = await Promise.all([
        workers.start('w1'),
        workers.start('w2'),
        workers.start('w3'),
      ]);
      const urls = [await startGateway(), await startGateway()];
      const [, victimGateway] = gateways;
      const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(urls[0])));
      await Promise.all(urls.map((url) => warmUp(url)));

      const outcome = await underFault(
        tenants,
        async () => {
          await Promise.all([victimWorker.kill(), victimGateway.kill()]);
        },
        urls,
      );
      const deadLetters = await broker.drainDeadLetters(tenants.map((t) => t.tenantId));
      console.log('two gateways and three workers, one of each killed', {
        ...outcome.tally,
        deadLettered: deadLetters.length,
      });

      expectNoHarm(outcome);
      // Every create ended with its answer, through whichever gateway was left.
      expect(outcome.tally.keysCreated).toBe(outcome.tally.keys);
      expect(outcome.tally[500]).toBe(0);
      expect(deadLetters).toEqual([]);
      // The load was shared: both gateways answered creates (one until it was killed), and the
      // workers left handled messages.
      const answeredVia = new Set(outcome.answers.filter((a) => a.status === 201).map((a) => a.via));
      expect([...answeredVia].sort()).toEqual([...urls].sort());
      for (const worker of survivors) expect(worker.timesLogged('message handled')).toBeGreaterThan(0);
    }),
    90_000,
  );
});

import { deleteQueues } from '@app/messaging';
import { useBroker } from '../support/broker';
import { closePools, projectsOf } from '../support/database';
import { ownQueuePrefix, startGateway, startWorker } from '../support/stack';
import { request, TenantSession } from '../support/tenant-session';

// Own queues and a short timeout for this file; the apps read process.env when first imported.
const prefix = ownQueuePrefix('timeout');
process.env.RPC_TIMEOUT_MS = '300';

describe('A worker that does not answer in time', () => {
  // Each test starts the apps itself, after changing what they read from process.env.
  const broker = useBroker();

  afterAll(async () => {
    await deleteQueues(process.env.AMQP_URL ?? '', prefix);
    await closePools();
  });

  it('should answer 503, and the timed-out create must never be applied later', async () => {
    const { gateway, baseUrl } = await startGateway();
    try {
      const tenant = await TenantSession.create(baseUrl);
      const started = Date.now();
      const res = await tenant.request('POST', '/projects', { name: 'late' });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      expect(Date.now() - started).toBeLessThan(5000);

      // The message expired with the caller's patience: it is dead-lettered, not applied.
      const dead = await broker.takeDeadLetter('"late"');
      expect(dead.properties.headers?.['x-death']?.[0]).toMatchObject({ reason: 'expired' });
      const worker = await startWorker();
      try {
        // A cold worker may miss the 300 ms deadline once or twice; once it answers, the list is empty.
        let listed = await tenant.request('GET', '/projects');
        for (let i = 0; i < 20 && listed.status === 503; i++)
          listed = await tenant.request('GET', '/projects');
        expect(listed).toEqual({ status: 200, body: { items: [], nextCursor: null } });
        expect(await projectsOf(tenant.tenantId)).toEqual([]);
      } finally {
        await worker.close();
      }
    } finally {
      await gateway.close();
    }
  });

  it('should answer 503 and report unhealthy while the broker is unreachable', async () => {
    const amqpUrl = process.env.AMQP_URL;
    process.env.AMQP_URL = 'amqp://guest:guest@127.0.0.1:1';
    jest.resetModules();
    try {
      const { gateway, baseUrl } = await startGateway();
      try {
        const tenant = await TenantSession.create(baseUrl);
        expect((await request(baseUrl, 'GET', '/health')).status).toBe(503);
        expect((await tenant.request('POST', '/projects', { name: 'nowhere' })).status).toBe(503);
        expect(await projectsOf(tenant.tenantId)).toEqual([]);
      } finally {
        await gateway.close();
      }
    } finally {
      process.env.AMQP_URL = amqpUrl;
    }
  });
});

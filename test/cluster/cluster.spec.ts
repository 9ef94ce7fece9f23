// On a RabbitMQ cluster (npm run test:cluster; not part of npm test, it boots three RabbitMQ nodes
// and takes a minute or two). With QUEUE_TYPE=quorum, every queue is replicated on three nodes of
// their own. The gateway and a worker (real processes) connect to a node that does not lead the
// queues. Four tenants stream creates and one imports 2,000 projects while the node leading the
// queues is stopped. Counted: 0 lost, 0 applied twice, 0 × 500, the job exact, nothing dead-lettered.
import { connect } from 'amqplib';
import type { JobView } from '@app/jobs';
import { queueNames } from '@app/messaging';
import { AppProcess, freePort } from '../support/app-process';
import { closePools, projectsOf } from '../support/database';
import { expectNoHarm, underFault, warmUp } from '../support/fault-stream';
import { ClusterNode, RabbitCluster } from '../support/rabbit-cluster';
import { ownQueuePrefix } from '../support/stack';
import { TenantSession } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

process.env.QUEUE_TYPE = 'quorum';
const BASE_PORT = 5711;
const IMPORTED = 2_000;

describe('On a three-node RabbitMQ cluster', () => {
  const prefix = ownQueuePrefix();
  let cluster: RabbitCluster | undefined;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    cluster = await RabbitCluster.start('tenantry-cluster', BASE_PORT);
  }, 300_000);

  afterAll(async () => {
    try {
      await Promise.all(apps.map((app) => app.kill()));
      await closePools();
    } finally {
      await cluster?.stop();
    }
  }, 180_000);

  async function startApps(node: ClusterNode): Promise<string> {
    const env = { AMQP_URL: node.url, QUEUE_TYPE: 'quorum' };
    // Small batches, so that the import is still running when the node stops.
    apps.push(await AppProcess.start('worker', { ...env, WORKER_HTTP_PORT: '0', JOB_BATCH_SIZE: '20' }));
    const port = await freePort();
    apps.push(await AppProcess.start('gateway', { ...env, PORT: String(port), HOST: '127.0.0.1' }));
    return `http://127.0.0.1:${port}`;
  }

  it('should lose nothing and apply nothing twice when the node leading the queues stops', async () => {
    const nodes = cluster!.nodes;
    expect(await cluster!.members()).toEqual(nodes.map((n) => n.name).sort());

    // A first worker declares the queues through the first node, which then leads them
    // (quorum queues are placed on the declaring client's node).
    const declarer = await AppProcess.start('worker', { AMQP_URL: nodes[0].url, WORKER_HTTP_PORT: '0' });
    await declarer.stop();
    const leaders = await cluster!.leaders(prefix, nodes[1]);
    const commandsLeader = leaders.get(queueNames(prefix).commands);
    const leader = nodes.find((n) => n.name === commandsLeader);
    expect(leader).toBeDefined();
    const appNode = nodes.find((n) => n !== leader)!;
    const baseUrl = await startApps(appNode);

    const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(baseUrl)));
    await warmUp(baseUrl);
    const importer = tenants[0];
    const items = Array.from({ length: IMPORTED }, (_, i) => ({ name: `imported-${i}` }));
    let jobId = '';

    // The import starts (100 batches of 20), then the leading node stops under it and the creates.
    const outcome = await underFault(tenants.slice(1), async () => {
      const started = await importer.request<{ jobId: string }>('POST', '/projects/import', { items });
      expect(started.status).toBe(202);
      jobId = started.body.jobId;
      await cluster!.stopApp(leader!);
    });
    // The queues are led from another node now.
    const moved = await cluster!.leaders(prefix, appNode);
    expect(moved.get(queueNames(prefix).commands)).not.toBe(leader!.name);
    expect(moved.get(queueNames(prefix).jobs)).not.toBe(leader!.name);
    const job = await waitFor(
      async () => {
        const { body } = await importer.request<JobView>('GET', `/jobs/${jobId}`);
        return !['queued', 'running'].includes(body.status) && body;
      },
      120_000,
      'the import to end',
    );
    const connection = await connect(appNode.url);
    const channel = await connection.createChannel();
    const { messageCount: deadLettered } = await channel.checkQueue(queueNames(prefix).deadLetter);
    await connection.close();
    const imported = (await projectsOf(importer.tenantId)).filter((p) => p.name.startsWith('imported-'));
    console.log('three-node cluster, the leading node stopped', {
      leader: leader!.name,
      leadersAfter: [...new Set(moved.values())],
      appsOn: appNode.name,
      ...outcome.tally,
      job: job.status,
      importedRows: imported.length,
      deadLettered,
    });

    expectNoHarm(outcome);
    expect(outcome.tally.keysCreated).toBe(outcome.tally.keys);
    expect(outcome.tally[500]).toBe(0);
    expect(job).toMatchObject({ status: 'succeeded', progress: { done: IMPORTED, total: IMPORTED } });
    expect(imported).toHaveLength(IMPORTED);
    expect(new Set(imported.map((p) => p.name)).size).toBe(IMPORTED);
    expect(deadLettered).toBe(0);
  }, 300_000);
});

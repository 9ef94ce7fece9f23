// QUEUE_TYPE=quorum: every queue is a quorum queue (what a RabbitMQ cluster replicates), and the
// whole path works on them: a command and its reply, a retry through the delay ladder (per-message
// TTL and dead-lettering back to the command queue), and a dead letter.
import { execFileSync } from 'node:child_process';
import type { ProjectView } from '@app/projects';
import { adminPool } from '../support/database';
import { useBroker } from '../support/broker';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

process.env.QUEUE_TYPE = 'quorum';
process.env.DATABASE_LOCK_TIMEOUT_MS = '300';
process.env.WORKER_RETRY_BASE_MS = '100';

/** Each of this file's queues and its type, as the broker reports them. */
function queueTypes(prefix: string): Record<string, string> {
  const out = execFileSync('rabbitmqctl', ['-q', 'list_queues', 'name', 'type'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const rows = out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([name]) => name?.startsWith(prefix));
  return Object.fromEntries(rows.map(([name, type]) => [name.slice(prefix.length), type]));
}

describe('Quorum queues', () => {
  const stack = useStack();
  const broker = useBroker();

  it('should declare every queue as a quorum queue', () => {
    const types = queueTypes(process.env.QUEUE_PREFIX ?? '');
    // commands, job starts, the dead-letter queue, the JOB_QUEUE_SHARDS (4) jobs queues, and a
    // ladder of 8 for commands and one for the jobs queues.
    expect(Object.keys(types)).toHaveLength(23);
    expect(new Set(Object.values(types))).toEqual(new Set(['quorum']));
  });

  it('should answer a command, and retry one through the delay ladder', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { status, body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'q' });
    expect(status).toBe(201);

    const lock = await (await adminPool()).connect();
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
    const patch = tenant.request<ProjectView>('PATCH', `/projects/${project.id}`, { name: 'renamed' });
    await new Promise((resolve) => setTimeout(resolve, 800));
    await lock.query('ROLLBACK');
    lock.release();
    expect(await patch).toMatchObject({ status: 200, body: { name: 'renamed' } });
  });

  it('should dead-letter a forged command into the quorum dead-letter queue', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    broker.publishSigned(
      'projects.create.v1',
      { name: 'forged' },
      { tenantId: tenant.tenantId, tamperedData: { name: 'forged-quorum-marker' } },
    );
    expect(await broker.deadLetterReason('forged-quorum-marker')).toMatch(/signature/);
  });
});

// Fault: one of two workers is shut down (what SIGTERM does: Nest's close) while tenants keep
// creating projects. It stops consuming, finishes what it holds, then goes; the other takes the
// rest. No 500, nothing lost, nothing dead-lettered.
// (The successor is started before the stream: two Nest apps started in one process while one of
// them serves share nestjs-cls's plugin host, which a starting app resets; separate processes do not.)
import type { INestMicroservice } from '@nestjs/common';
import type { ProjectView } from '@app/projects';
import { adminPool, projectsOf } from '../support/database';
import { useBroker } from '../support/broker';
import { expectNoHarm, underFault } from '../support/fault-stream';
import { startWorker, useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

describe('A worker shut down mid-stream', () => {
  const stack = useStack();
  const broker = useBroker();
  let second: INestMicroservice | undefined;

  afterAll(async () => {
    await second?.close();
  });

  it('should drain what it holds and leave the rest to the other worker', async () => {
    const tenants = await Promise.all([1, 2, 3, 4].map(() => TenantSession.create(stack.baseUrl)));
    second = await startWorker();
    let closeMs = 0;
    const outcome = await underFault(tenants, async () => {
      const started = Date.now();
      await stack.worker?.close();
      stack.worker = undefined;
      closeMs = Date.now() - started;
    });
    const deadLettered = await broker.messageCount(broker.queues.deadLetter);
    console.log('worker shutdown', { ...outcome.tally, deadLettered, closeMs });

    expectNoHarm(outcome);
    expect(outcome.tally[503]).toBe(0);
    expect(deadLettered).toBe(0);
  }, 90_000);

  it('should wait for a message it holds before it closes, and finish it', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { body: project } = await tenant.request<ProjectView>('POST', '/projects', { name: 'slow' });
    stack.worker = stack.worker ?? (await startWorker());
    await second?.close();
    second = undefined;
    // The worker will hold the PATCH while it waits (under its 1 s lock timeout) for this lock.
    const lock = await (await adminPool()).connect();
    await lock.query('BEGIN');
    await lock.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [project.id]);
    const patch = tenant.request('PATCH', `/projects/${project.id}`, { name: 'finished' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const closing = stack.worker.close();
    setTimeout(() => void lock.query('ROLLBACK').finally(() => lock.release()), 500);
    await closing;
    stack.worker = undefined;

    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    // Applied by the closing worker, before it went.
    expect((await projectsOf(tenant.tenantId)).map((p) => p.name)).toEqual(['finished']);
    expect((await patch).status).toBe(200);
  });
});

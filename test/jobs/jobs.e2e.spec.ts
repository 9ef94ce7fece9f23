// Background jobs end to end, through the real gateway, broker, worker and PostgreSQL: an import
// in batches with exact counts and conflicts, archive and unarchive, cancellation, idempotent
// starts, and tenants kept apart.
import { randomUUID } from 'node:crypto';
import type { JobView } from '@app/jobs';
import type { ProjectView } from '@app/projects';
import { adminPool, projectsOf, tasksOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession, useTenantPair } from '../support/tenant-session';
import { waitFor } from '../support/wait-for';

process.env.JOB_BATCH_SIZE = '100';

async function finished(tenant: TenantSession, jobId: string, timeoutMs = 30_000): Promise<JobView> {
  return waitFor(
    async () => {
      const { body } = await tenant.request<JobView>('GET', `/jobs/${jobId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(body.status) && body;
    },
    timeoutMs,
    `job ${jobId} to finish`,
  );
}

function items(count: number, prefix: string, tasks = 0) {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    ...(tasks > 0 && {
      tasks: Array.from({ length: tasks }, (_, t) => ({ title: `task ${t}`, done: t === 0 })),
    }),
  }));
}

describe('Background jobs', () => {
  const stack = useStack();
  const pair = useTenantPair(stack);

  it('should import 1,000 projects with their tasks in batches, counting conflicts', async () => {
    await pair.a.request('POST', '/projects', { name: 'p-7' });
    const body = { items: [...items(1_000, 'p', 2), { name: 'p-3' }] };
    const res = await pair.a.request<{ jobId: string; status: string }>('POST', '/projects/import', body);
    expect(res).toMatchObject({ status: 202, body: { status: 'queued' } });

    const job = await finished(pair.a, res.body.jobId);
    expect(job).toMatchObject({
      type: 'projects.import',
      status: 'succeeded',
      progress: { done: 1_001, total: 1_001 },
      result: { imported: 999, conflicts: 2 },
    });
    // Batches commit in any order; the first p-3 of the request (with its tasks) is the one imported.
    expect((job.result as { conflictNames: string[] }).conflictNames.sort()).toEqual(['p-3', 'p-7']);
    expect(job.startedAt && job.finishedAt).toBeTruthy();
    const rows = await projectsOf(pair.a.tenantId);
    expect(rows).toHaveLength(1_000);
    expect(new Set(rows.map((p) => p.name)).size).toBe(1_000);
    expect(await tasksOf(pair.a.tenantId)).toHaveLength(999 * 2);

    // Another tenant sees neither the job nor its rows.
    expect((await pair.b.request('GET', `/jobs/${res.body.jobId}`)).status).toBe(404);
    expect(await projectsOf(pair.b.tenantId)).toHaveLength(0);
  });

  it('should give the Location of the job and list jobs newest first, by status', async () => {
    const res = await fetch(`${stack.baseUrl}/projects/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pair.a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: items(3, 'loc') }),
    });
    const { jobId } = (await res.json()) as { jobId: string };
    expect(res.headers.get('location')).toBe(`/jobs/${jobId}`);
    await finished(pair.a, jobId);
    const second = await pair.a.request<{ jobId: string }>('POST', '/projects/import', {
      items: items(2, 'two'),
    });
    await finished(pair.a, second.body.jobId);

    const { body: page } = await pair.a.request<{ items: JobView[] }>(
      'GET',
      '/jobs?status=succeeded&limit=10',
    );
    expect(page.items.map((j) => j.id)).toEqual([second.body.jobId, jobId]);
    const { body: none } = await pair.a.request<{ items: JobView[] }>('GET', '/jobs?status=failed');
    expect(none.items).toEqual([]);
  });

  it('should refuse an invalid import whole, naming the item, and queue nothing', async () => {
    const res = await pair.a.request<{ message: string[] }>('POST', '/projects/import', {
      items: [{ name: 'ok' }, { name: '' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.message.join()).toMatch(/items\.1\.name/);
    expect((await pair.a.request('POST', '/projects/import', { items: [] })).status).toBe(400);
    const { body } = await pair.a.request<{ items: JobView[] }>('GET', '/jobs');
    expect(body.items).toEqual([]);
  });

  it('should start one job for one Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `"${randomUUID()}"` };
    const first = await pair.a.request<{ jobId: string }>(
      'POST',
      '/projects/import',
      { items: items(5, 'k') },
      headers,
    );
    const again = await pair.a.request<{ jobId: string }>(
      'POST',
      '/projects/import',
      { items: items(5, 'k') },
      headers,
    );
    expect(again).toEqual(first);
    await finished(pair.a, first.body.jobId);
    expect(await projectsOf(pair.a.tenantId)).toHaveLength(5);
  });

  it('should archive a project (tasks done, read-only) and unarchive it', async () => {
    const { body: project } = await pair.a.request<ProjectView>('POST', '/projects', { name: 'arch' });
    await pair.a.request('POST', `/projects/${project.id}/tasks`, { title: 'open' });
    const res = await pair.a.request<{ jobId: string }>('POST', `/projects/${project.id}/archive`);
    expect(res.status).toBe(202);
    expect(await finished(pair.a, res.body.jobId)).toMatchObject({
      type: 'projects.archive',
      status: 'succeeded',
    });

    expect((await pair.a.request<ProjectView>('GET', `/projects/${project.id}`)).body.status).toBe(
      'archived',
    );
    expect((await tasksOf(pair.a.tenantId)).every((t) => t.done)).toBe(true);
    expect((await pair.a.request('PATCH', `/projects/${project.id}`, { name: 'x' })).status).toBe(409);
    expect((await pair.a.request('POST', `/projects/${project.id}/tasks`, { title: 'new' })).status).toBe(
      409,
    );

    const back = await pair.a.request<{ jobId: string }>('POST', `/projects/${project.id}/unarchive`);
    expect(await finished(pair.a, back.body.jobId)).toMatchObject({
      type: 'projects.unarchive',
      status: 'succeeded',
    });
    expect((await pair.a.request('PATCH', `/projects/${project.id}`, { name: 'x' })).status).toBe(200);

    // Another tenant's project, or none: 404, and no job.
    expect((await pair.b.request('POST', `/projects/${project.id}/archive`)).status).toBe(404);
  });

  it('should cancel a job: later batches are skipped, what is committed stays, and a finished job is 409', async () => {
    // Hold the tenant's first batch on a lock, so that the job is still running when it is cancelled.
    const lock = await (await adminPool()).connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE projects IN SHARE MODE');
    let jobId = '';
    try {
      const res = await pair.a.request<{ jobId: string }>('POST', '/projects/import', {
        items: items(500, 'c'),
      });
      jobId = res.body.jobId;
      const cancel = await pair.a.request<JobView>('DELETE', `/jobs/${jobId}`);
      expect(cancel).toMatchObject({ status: 202, body: { status: 'cancelled' } });
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
    const job = await finished(pair.a, jobId);
    expect(job.status).toBe('cancelled');
    // Give any batch still queued the time to be skipped, then count: progress and rows agree.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = (await pair.a.request<JobView>('GET', `/jobs/${jobId}`)).body;
    expect(after.progress.done).toBeLessThan(500);
    expect(await projectsOf(pair.a.tenantId)).toHaveLength(after.progress.done);
    expect((await pair.a.request('DELETE', `/jobs/${jobId}`)).status).toBe(409);
    expect((await pair.a.request('DELETE', `/jobs/${randomUUID()}`)).status).toBe(404);
  });
});

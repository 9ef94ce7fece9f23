import type { ProjectView } from '@app/projects';
import type { TaskPage, TaskView } from '@app/tasks';
import { randomUUID } from 'node:crypto';
import { tasksOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession, useTenantPair } from '../support/tenant-session';

async function newProject(tenant: TenantSession, name = `p-${randomUUID()}`): Promise<ProjectView> {
  const res = await tenant.request<ProjectView>('POST', '/projects', { name });
  expect(res.status).toBe(201);
  return res.body;
}

async function newTask(tenant: TenantSession, projectId: string, title: string): Promise<TaskView> {
  const res = await tenant.request<TaskView>('POST', `/projects/${projectId}/tasks`, { title });
  expect(res.status).toBe(201);
  return res.body;
}

describe('Tasks API', () => {
  const stack = useStack();
  const pair = useTenantPair(stack);

  it('should create, read, update and delete a task of a project', async () => {
    const project = await newProject(pair.a);
    const base = `/projects/${project.id}/tasks`;

    const created = await pair.a.request<TaskView>('POST', base, { title: 'Write the plan' });
    expect(created).toEqual({
      status: 201,
      body: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        projectId: project.id,
        tenantId: pair.a.tenantId,
        title: 'Write the plan',
        done: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const task = created.body;
    expect(await pair.a.request('GET', `${base}/${task.id}`)).toEqual({ status: 200, body: task });

    const done = await pair.a.request<TaskView>('PATCH', `${base}/${task.id}`, { done: true });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: task.id, title: 'Write the plan', done: true });
    expect(Date.parse(done.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(task.updatedAt));
    const renamed = await pair.a.request<TaskView>('PATCH', `${base}/${task.id}`, { title: 'Ship it' });
    expect(renamed.body).toMatchObject({ title: 'Ship it', done: true });

    expect((await pair.a.request('DELETE', `${base}/${task.id}`)).status).toBe(204);
    expect((await pair.a.request('GET', `${base}/${task.id}`)).status).toBe(404);
    expect((await pair.a.request('DELETE', `${base}/${task.id}`)).status).toBe(404);
    expect(await tasksOf(pair.a.tenantId)).toEqual([]);
  });

  it('should page a project’s tasks oldest first, and only that project’s', async () => {
    const [project, other] = [await newProject(pair.a), await newProject(pair.a)];
    for (let i = 0; i < 5; i++) await newTask(pair.a, project.id, `t${i}`);
    await newTask(pair.a, other.id, 'elsewhere');
    const base = `/projects/${project.id}/tasks`;

    const first = await pair.a.request<TaskPage>('GET', `${base}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((t) => t.title)).toEqual(['t0', 't1']);
    const second = await pair.a.request<TaskPage>('GET', `${base}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((t) => t.title)).toEqual(['t2', 't3']);
    const third = await pair.a.request<TaskPage>('GET', `${base}?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: [expect.objectContaining({ title: 't4' })], nextCursor: null });

    const empty = await newProject(pair.a);
    expect((await pair.a.request('GET', `/projects/${empty.id}/tasks`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('should delete a project’s tasks with the project', async () => {
    const [project, kept] = [await newProject(pair.a), await newProject(pair.a)];
    await newTask(pair.a, project.id, 'goes');
    const stays = await newTask(pair.a, kept.id, 'stays');

    expect((await pair.a.request('DELETE', `/projects/${project.id}`)).status).toBe(204);
    expect(await tasksOf(pair.a.tenantId)).toEqual([expect.objectContaining({ id: stays.id })]);
    expect((await pair.a.request('GET', `/projects/${project.id}/tasks`)).status).toBe(404);
  });

  describe('across tenants and projects', () => {
    it('should answer 404 to a task under another tenant’s project, exactly as for a missing project, and write nothing', async () => {
      const project = await newProject(pair.a);
      const missing = await pair.b.request('POST', `/projects/${randomUUID()}/tasks`, { title: 'x' });
      const planted = await pair.b.request('POST', `/projects/${project.id}/tasks`, { title: 'planted' });
      const listed = await pair.b.request('GET', `/projects/${project.id}/tasks`);

      expect(missing).toEqual({
        status: 404,
        body: { statusCode: 404, message: 'Project not found', error: 'Not Found' },
      });
      expect(planted).toEqual(missing);
      expect(listed).toEqual(missing);
      expect(await tasksOf(pair.a.tenantId)).toEqual([]);
      expect(await tasksOf(pair.b.tenantId)).toEqual([]);
    });

    it('should answer 404 to another tenant’s task, exactly as for a missing one, and leave it unchanged', async () => {
      const project = await newProject(pair.a);
      const task = await newTask(pair.a, project.id, 'A only');
      const base = `/projects/${project.id}/tasks`;

      const missing = await pair.b.request('GET', `${base}/${randomUUID()}`);
      expect(missing.status).toBe(404);
      for (const res of [
        await pair.b.request('GET', `${base}/${task.id}`),
        await pair.b.request('PATCH', `${base}/${task.id}`, { title: 'stolen', done: true }),
        await pair.b.request('DELETE', `${base}/${task.id}`),
      ]) {
        expect(res).toEqual(missing);
      }
      expect(await pair.a.request('GET', `${base}/${task.id}`)).toEqual({ status: 200, body: task });
    });

    it('should answer 404 to a task addressed under another project of the same tenant', async () => {
      const [project, other] = [await newProject(pair.a), await newProject(pair.a)];
      const task = await newTask(pair.a, project.id, 'mine');
      const wrong = `/projects/${other.id}/tasks/${task.id}`;

      expect((await pair.a.request('GET', wrong)).status).toBe(404);
      expect((await pair.a.request('PATCH', wrong, { done: true })).status).toBe(404);
      expect((await pair.a.request('DELETE', wrong)).status).toBe(404);
      expect(
        (await pair.a.request<TaskView>('GET', `/projects/${project.id}/tasks/${task.id}`)).body.done,
      ).toBe(false);
    });
  });

  describe('bad input', () => {
    it.each([
      ['missing title', {}],
      ['empty title', { title: '' }],
      ['blank title', { title: '  ' }],
      ['long title', { title: 'x'.repeat(501) }],
      // 1,000 code points for PostgreSQL, 500 for class-validator's own Length.
      ['long title of variation selectors', { title: 'a\uFE0F'.repeat(500) }],
      ['NUL in the title', { title: 'a\u0000b' }],
      ['wrong type', { title: 7 }],
      ['unknown field', { title: 'ok', done: true }],
      ['a tenantId', { title: 'ok', tenantId: randomUUID() }],
    ])('should answer 400 to a create with %s', async (_case, body) => {
      const project = await newProject(pair.a);
      const res = await pair.a.request('POST', `/projects/${project.id}/tasks`, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(await tasksOf(pair.a.tenantId)).toEqual([]);
    });

    it.each([
      ['a null title', { title: null }],
      ['a non-boolean done', { done: 'yes' }],
      ['a null done', { done: null }],
      ['a projectId', { projectId: randomUUID() }],
    ])('should answer 400 to a patch with %s', async (_case, body) => {
      const project = await newProject(pair.a);
      const task = await newTask(pair.a, project.id, 'kept');
      const res = await pair.a.request('PATCH', `/projects/${project.id}/tasks/${task.id}`, body);
      expect(res.status).toBe(400);
      expect(await pair.a.request('GET', `/projects/${project.id}/tasks/${task.id}`)).toEqual({
        status: 200,
        body: task,
      });
    });

    it.each([
      ['a non-uuid project id', 'GET', `/projects/nope/tasks`],
      ['a non-uuid project id on create', 'POST', `/projects/nope/tasks`],
      ['a non-uuid task id', 'GET', `/projects/${randomUUID()}/tasks/nope`],
      ['a non-uuid task id on delete', 'DELETE', `/projects/${randomUUID()}/tasks/1`],
      ['a limit over 100', 'GET', `/projects/${randomUUID()}/tasks?limit=101`],
      ['a forged cursor', 'GET', `/projects/${randomUUID()}/tasks?cursor=bm90LWEtY3Vyc29y`],
    ])('should answer 400 to %s', async (_case, method, path) => {
      const res = await pair.a.request(method, path, method === 'POST' ? { title: 'x' } : undefined);
      expect(res.status).toBe(400);
    });
  });
});

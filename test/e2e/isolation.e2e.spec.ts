import type { ProjectPage, ProjectView } from '@app/projects';
import { randomUUID } from 'node:crypto';
import { projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { useTenantPair } from '../support/tenant-session';

describe('Tenant isolation through gateway, RabbitMQ and worker', () => {
  const stack = useStack();
  const pair = useTenantPair(stack);

  it('should not leak data between tenants (the article test, for real)', async () => {
    const created = await pair.a.request('POST', '/projects', { name: 'Apollo' });
    expect(created.status).toBe(201);

    const asB = await pair.b.request('GET', '/projects');
    expect(asB.status).toBe(200);
    expect(asB.body).toEqual({ items: [], nextCursor: null });

    const asA = await pair.a.request<ProjectPage>('GET', '/projects');
    expect(asA.body.items.map((p) => p.name)).toEqual(['Apollo']);
  });

  it("should answer 404 to another tenant's get, patch and delete, and leave the project unchanged", async () => {
    const { body: project } = await pair.a.request<ProjectView>('POST', '/projects', {
      name: 'Secret',
      description: 'A only',
    });
    const before = await projectsOf(pair.a.tenantId);

    const missing = await pair.b.request('GET', `/projects/${randomUUID()}`);
    const got = await pair.b.request('GET', `/projects/${project.id}`);
    const patched = await pair.b.request('PATCH', `/projects/${project.id}`, { name: 'Stolen' });
    const deleted = await pair.b.request('DELETE', `/projects/${project.id}`);

    expect(missing.status).toBe(404);
    for (const res of [got, patched, deleted]) {
      expect(res.status).toBe(404);
      // Indistinguishable from a project that does not exist at all.
      expect(res.body).toEqual(missing.body);
    }
    expect(await projectsOf(pair.a.tenantId)).toEqual(before);
    expect(await projectsOf(pair.b.tenantId)).toEqual([]);
    expect((await pair.a.request('GET', `/projects/${project.id}`)).body).toEqual(project);
  });

  it('should let two tenants use the same project name', async () => {
    expect((await pair.a.request('POST', '/projects', { name: 'Shared' })).status).toBe(201);
    expect((await pair.b.request('POST', '/projects', { name: 'Shared' })).status).toBe(201);
    expect((await pair.a.request('POST', '/projects', { name: 'Shared' })).status).toBe(409);
  });

  it('should put the row in the token tenant even when the payload names another tenant', async () => {
    const res = await pair.a.request<ProjectView>('POST', '/projects', {
      name: 'Smuggled',
      tenantId: pair.b.tenantId,
    });
    expect(res.status).toBe(400);
    expect(await projectsOf(pair.b.tenantId)).toEqual([]);
  });
});

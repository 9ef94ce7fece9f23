import type { ProjectPage, ProjectView } from '@app/projects';
import { randomUUID } from 'node:crypto';
import { projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

describe('Tenant isolation through gateway, RabbitMQ and worker', () => {
  const stack = useStack();
  let a: TenantSession;
  let b: TenantSession;

  beforeEach(async () => {
    a = await TenantSession.create(stack.baseUrl);
    b = await TenantSession.create(stack.baseUrl);
  });

  it('should not leak data between tenants (the article test, for real)', async () => {
    const created = await a.request('POST', '/projects', { name: 'Apollo' });
    expect(created.status).toBe(201);

    const asB = await b.request('GET', '/projects');
    expect(asB.status).toBe(200);
    expect(asB.body).toEqual({ items: [], nextCursor: null });

    const asA = await a.request<ProjectPage>('GET', '/projects');
    expect(asA.body.items.map((p) => p.name)).toEqual(['Apollo']);
  });

  it("should answer 404 to another tenant's get, patch and delete, and leave the project unchanged", async () => {
    const { body: project } = await a.request<ProjectView>('POST', '/projects', {
      name: 'Secret',
      description: 'A only',
    });
    const before = await projectsOf(a.tenantId);

    const missing = await b.request('GET', `/projects/${randomUUID()}`);
    const got = await b.request('GET', `/projects/${project.id}`);
    const patched = await b.request('PATCH', `/projects/${project.id}`, { name: 'Stolen' });
    const deleted = await b.request('DELETE', `/projects/${project.id}`);

    expect(missing.status).toBe(404);
    for (const res of [got, patched, deleted]) {
      expect(res.status).toBe(404);
      // Indistinguishable from a project that does not exist at all.
      expect(res.body).toEqual(missing.body);
    }
    expect(await projectsOf(a.tenantId)).toEqual(before);
    expect(await projectsOf(b.tenantId)).toEqual([]);
    expect((await a.request('GET', `/projects/${project.id}`)).body).toEqual(project);
  });

  it('should let two tenants use the same project name', async () => {
    expect((await a.request('POST', '/projects', { name: 'Shared' })).status).toBe(201);
    expect((await b.request('POST', '/projects', { name: 'Shared' })).status).toBe(201);
    expect((await a.request('POST', '/projects', { name: 'Shared' })).status).toBe(409);
  });

  it('should put the row in the token tenant even when the payload names another tenant', async () => {
    const res = await a.request<ProjectView>('POST', '/projects', { name: 'Smuggled', tenantId: b.tenantId });
    expect(res.status).toBe(400);
    expect(await projectsOf(b.tenantId)).toEqual([]);
  });
});

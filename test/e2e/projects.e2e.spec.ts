import type { ProjectPage, ProjectView } from '@app/projects';
import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { useStack } from '../support/stack';
import { request, TenantSession, tokenFor } from '../support/tenant-session';

describe('Projects API', () => {
  const stack = useStack();
  let tenant: TenantSession;

  beforeEach(async () => {
    tenant = await TenantSession.create(stack.baseUrl);
  });

  it('should create, read, update and delete a project', async () => {
    const created = await tenant.request<ProjectView>('POST', '/projects', {
      name: 'Apollo',
      description: 'moon',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId: tenant.tenantId,
      name: 'Apollo',
      description: 'moon',
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.body.id;

    expect(await tenant.request('GET', `/projects/${id}`)).toEqual({ status: 200, body: created.body });

    const patched = await tenant.request<ProjectView>('PATCH', `/projects/${id}`, { name: 'Artemis' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, name: 'Artemis', description: 'moon' });

    const deleted = await tenant.request('DELETE', `/projects/${id}`);
    expect(deleted.status).toBe(204);
    expect((await tenant.request('GET', `/projects/${id}`)).status).toBe(404);
    expect((await tenant.request('DELETE', `/projects/${id}`)).status).toBe(404);
  });

  it('should page newest first with an opaque cursor', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await tenant.request<ProjectView>('POST', '/projects', { name: `p${i}` })).status).toBe(201);
    }
    const first = await tenant.request<ProjectPage>('GET', '/projects?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((p) => p.name)).toEqual(['p4', 'p3']);
    const second = await tenant.request<ProjectPage>(
      'GET',
      `/projects?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((p) => p.name)).toEqual(['p2', 'p1']);
    const third = await tenant.request<ProjectPage>(
      'GET',
      `/projects?limit=2&cursor=${second.body.nextCursor}`,
    );
    expect(third.body).toEqual({ items: [expect.objectContaining({ name: 'p0' })], nextCursor: null });
    expect((await tenant.request<ProjectPage>('GET', '/projects')).body.items).toHaveLength(5);
  });

  it('should answer 409 to a duplicate name in the same tenant, also on rename', async () => {
    await tenant.request<ProjectView>('POST', '/projects', { name: 'Dup' });
    const other = await tenant.request<ProjectView>('POST', '/projects', { name: 'Other' });
    const dup = await tenant.request<ProjectView>('POST', '/projects', { name: 'Dup' });
    expect(dup).toEqual({
      status: 409,
      body: { statusCode: 409, message: 'A project with this name already exists', error: 'Conflict' },
    });
    expect(
      (await tenant.request<ProjectView>('PATCH', `/projects/${other.body.id}`, { name: 'Dup' })).status,
    ).toBe(409);
  });

  it.each([
    ['missing name', {}],
    ['empty name', { name: '' }],
    ['blank name', { name: '   ' }],
    ['long name', { name: 'x'.repeat(201) }],
    ['long description', { name: 'ok', description: 'x'.repeat(2001) }],
    ['wrong type', { name: 42 }],
    ['unknown field', { name: 'ok', owner: 'me' }],
  ])('should answer 400 to a create with %s', async (_case, body) => {
    const res = await tenant.request<ProjectView>('POST', '/projects', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it.each([
    ['a non-uuid id', 'GET', '/projects/not-a-uuid'],
    ['a limit over 100', 'GET', '/projects?limit=101'],
    ['a limit of zero', 'GET', '/projects?limit=0'],
    ['a forged cursor', 'GET', '/projects?cursor=bm90LWEtY3Vyc29y'],
    ['a non-uuid id on delete', 'DELETE', '/projects/1'],
  ])('should answer 400 to %s', async (_case, method, path) => {
    expect((await tenant.request(method, path)).status).toBe(400);
  });

  it('should answer 413 to a body over BODY_LIMIT_BYTES and write nothing', async () => {
    const res = await tenant.request('POST', '/projects', {
      name: 'huge',
      description: 'x'.repeat(70 * 1024),
    });
    expect(res.status).toBe(413);
    expect((await tenant.request<ProjectPage>('GET', '/projects')).body.items).toEqual([]);
  });

  describe('authentication', () => {
    const secret = () => process.env.JWT_SECRET ?? '';

    it.each([
      ['no token', undefined],
      ['a malformed token', 'Bearer not.a.jwt'],
      ['an expired token', () => `Bearer ${tokenFor(randomUUID(), -60)}`],
      [
        'a token signed with another secret',
        () =>
          `Bearer ${sign({ tenantId: randomUUID(), email: 'e', sub: 's' }, 'another-secret-that-is-long-enough!!', { expiresIn: 60 })}`,
      ],
      [
        'an unsigned token (alg none)',
        () =>
          `Bearer ${sign({ tenantId: randomUUID(), email: 'e', sub: 's' }, null, { algorithm: 'none', expiresIn: 60 })}`,
      ],
      [
        'a token without tenantId',
        () => `Bearer ${sign({ email: 'e', sub: 's' }, secret(), { expiresIn: 60 })}`,
      ],
      [
        'a token with a non-uuid tenantId',
        () =>
          `Bearer ${sign({ tenantId: "' OR 1=1 --", email: 'e', sub: 's' }, secret(), { expiresIn: 60 })}`,
      ],
      [
        'a token without exp',
        () => `Bearer ${sign({ tenantId: randomUUID(), email: 'e', sub: 's' }, secret())}`,
      ],
    ])('should answer 401 to %s', async (_case, auth) => {
      const value = typeof auth === 'function' ? auth() : auth;
      const res = await request(
        stack.baseUrl,
        'GET',
        '/projects',
        undefined,
        value ? { authorization: value } : {},
      );
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('should answer 403 to a token for an unknown tenant', async () => {
      const res = await TenantSession.unknown(stack.baseUrl).request('GET', '/projects');
      expect(res).toEqual({
        status: 403,
        body: { statusCode: 403, message: 'Tenant is unknown or suspended', error: 'Forbidden' },
      });
    });

    it('should answer 403 to a suspended tenant, on reads and writes', async () => {
      const suspended = await TenantSession.create(stack.baseUrl, 'suspended');
      expect((await suspended.request('GET', '/projects')).status).toBe(403);
      expect((await suspended.request('POST', '/projects', { name: 'x' })).status).toBe(403);
    });
  });

  it('should report health without a token', async () => {
    const res = await request(stack.baseUrl, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { broker: { status: 'up' } } });
  });
});

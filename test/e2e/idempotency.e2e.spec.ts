// Idempotency-Key (IETF httpapi draft): a write retried with the same key is answered with the
// first answer and applied once; the key with another request is 422; each tenant has its own keys.
import { randomUUID } from 'node:crypto';
import type { ProjectView } from '@app/projects';
import { projectsOf } from '../support/database';
import { useStack } from '../support/stack';
import { useTenantPair } from '../support/tenant-session';

describe('Idempotency-Key', () => {
  const stack = useStack();
  const pair = useTenantPair(stack);
  const key = () => ({ 'idempotency-key': `"${randomUUID()}"` });

  it('should answer a repeated create with the first answer, and create one project', async () => {
    const headers = key();
    const first = await pair.a.request<ProjectView>('POST', '/projects', { name: 'Once' }, headers);
    const again = await pair.a.request<ProjectView>('POST', '/projects', { name: 'Once' }, headers);

    expect(first.status).toBe(201);
    expect(again).toEqual(first);
    expect((await projectsOf(pair.a.tenantId)).map((p) => p.name)).toEqual(['Once']);
  });

  it('should refuse the key with another request with 422, and apply nothing', async () => {
    const headers = key();
    expect((await pair.a.request('POST', '/projects', { name: 'First' }, headers)).status).toBe(201);
    const other = await pair.a.request('POST', '/projects', { name: 'Second' }, headers);

    expect(other).toEqual({
      status: 422,
      body: {
        statusCode: 422,
        message: 'This Idempotency-Key was used for a different request',
        error: 'Unprocessable Entity',
      },
    });
    expect((await projectsOf(pair.a.tenantId)).map((p) => p.name)).toEqual(['First']);
  });

  it('should replay a patch and a delete too: the repeated delete is 204, not 404', async () => {
    const { body: project } = await pair.a.request<ProjectView>('POST', '/projects', { name: 'P' });
    const patchKey = key();
    const patched = await pair.a.request('PATCH', `/projects/${project.id}`, { name: 'Q' }, patchKey);
    expect(await pair.a.request('PATCH', `/projects/${project.id}`, { name: 'Q' }, patchKey)).toEqual(
      patched,
    );

    const deleteKey = key();
    expect((await pair.a.request('DELETE', `/projects/${project.id}`, undefined, deleteKey)).status).toBe(
      204,
    );
    expect((await pair.a.request('DELETE', `/projects/${project.id}`, undefined, deleteKey)).status).toBe(
      204,
    );
    expect((await pair.a.request('DELETE', `/projects/${project.id}`)).status).toBe(404);
  });

  it('should keep keys per tenant: the same key in two tenants is two commands', async () => {
    const headers = key();
    const ofA = await pair.a.request<ProjectView>('POST', '/projects', { name: 'Same' }, headers);
    const ofB = await pair.b.request<ProjectView>('POST', '/projects', { name: 'Same' }, headers);

    expect([ofA.status, ofB.status]).toEqual([201, 201]);
    expect(ofB.body.id).not.toBe(ofA.body.id);
    expect(ofB.body.tenantId).toBe(pair.b.tenantId);
  });

  it.each([['""'], ['two words'], ['"é"']])('should answer 400 to the malformed key %s', async (value) => {
    const res = await pair.a.request('POST', '/projects', { name: 'x' }, { 'idempotency-key': value });
    expect(res.status).toBe(400);
    expect(await projectsOf(pair.a.tenantId)).toEqual([]);
  });
});

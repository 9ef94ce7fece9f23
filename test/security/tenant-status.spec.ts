// Threat: a tenant that was suspended (unpaid, compromised, offboarded) keeps using valid tokens.
// Every call must answer 403 once the suspension is older than TENANT_STATUS_TTL_MS, and work
// again after re-activation within the same bound.
import { adminPool, TenantStatus } from '../support/database';
import { useStack } from '../support/stack';
import { TenantSession } from '../support/tenant-session';

const TTL_MS = 300;
process.env.TENANT_STATUS_TTL_MS = String(TTL_MS);

const setStatus = async (tenantId: string, status: TenantStatus) =>
  (await adminPool()).query('UPDATE tenants SET status = $2 WHERE id = $1', [tenantId, status]);
const pastTtl = () => new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));

describe('Suspending and re-activating a tenant', () => {
  const stack = useStack();

  it('should refuse every call within the cache bound after a suspension, and serve again after re-activation', async () => {
    const tenant = await TenantSession.create(stack.baseUrl);
    const { body: project } = await tenant.request<{ id: string }>('POST', '/projects', { name: 'before' });
    expect((await tenant.request('GET', '/projects')).status).toBe(200);

    await setStatus(tenant.tenantId, 'suspended');
    await pastTtl();
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/projects'],
      ['POST', '/projects', { name: 'during' }],
      ['GET', `/projects/${project.id}`],
      ['PATCH', `/projects/${project.id}`, { name: 'renamed' }],
      ['DELETE', `/projects/${project.id}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await tenant.request(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }

    await setStatus(tenant.tenantId, 'active');
    await pastTtl();
    const after = await tenant.request<{ items: Array<{ name: string }> }>('GET', '/projects');
    expect(after.status).toBe(200);
    // Nothing the suspended tenant tried was applied.
    expect(after.body.items.map((p) => p.name)).toEqual(['before']);
  });
});

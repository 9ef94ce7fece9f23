import { withTenantFilter } from './tenant-filter';

const T = '4f1c2a4e-7d2b-4c7e-9a43-0b1f7c3e2d11';

describe('withTenantFilter', () => {
  it("should add the tenant to a filter, over the caller's own", () => {
    expect(withTenantFilter('Project', 'findFirst', { where: { id: 'p', tenantId: 'other' } }, T)).toEqual({
      where: { id: 'p', tenantId: T },
    });
    expect(withTenantFilter('Job', 'findMany', { take: 5 }, T)).toEqual({ take: 5, where: { tenantId: T } });
    expect(withTenantFilter('Task', 'deleteMany', undefined, T)).toEqual({ where: { tenantId: T } });
  });

  it('should write the tenant into every row a create writes', () => {
    expect(withTenantFilter('Task', 'create', { data: { title: 't' } }, T)).toEqual({
      data: { title: 't', tenantId: T },
    });
    expect(withTenantFilter('Job', 'createMany', { data: [{ id: '1' }, { id: '2' }] }, T)).toEqual({
      data: [
        { id: '1', tenantId: T },
        { id: '2', tenantId: T },
      ],
    });
    expect(withTenantFilter('InboxEntry', 'upsert', { where: { id: 1 }, create: {}, update: {} }, T)).toEqual(
      {
        where: { id: 1, tenantId: T },
        create: { tenantId: T },
        update: {},
      },
    );
  });

  it('should leave the tenants registry alone, and refuse an operation it does not know', () => {
    const args = { where: { id: T } };
    expect(withTenantFilter('Tenant', 'findUnique', args, T)).toBe(args);
    expect(() => withTenantFilter('Project', 'somethingNew', {}, T)).toThrow(
      'Project.somethingNew is not scoped by tenant_id in the tenant client',
    );
  });
});

import { TenantForbiddenError } from '@app/errors';
import type { PrismaTx } from './prisma-tx';
import { TenantStatusService } from './tenant-status.service';

const TENANT = '33333333-3333-4333-8333-333333333333';
const OTHER = '44444444-4444-4444-8444-444444444444';

type TenantRow = { status: string } | null;

function setup(ttlMs: number, rows: TenantRow[] = [{ status: 'active' }]) {
  const findUnique = jest.fn((_args: unknown) => Promise.resolve(rows[0] ?? null));
  for (const row of rows) findUnique.mockResolvedValueOnce(row);
  const tx = { tenant: { findUnique } } as unknown as PrismaTx;
  return { service: new TenantStatusService({ tenantStatusTtlMs: ttlMs }), findUnique, tx };
}

describe(TenantStatusService.name, () => {
  let now: number;

  beforeEach(() => {
    now = 1_700_000_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should look the tenant up by id, selecting only its status', async () => {
    const { service, findUnique, tx } = setup(1000);

    await service.assertActive(tx, TENANT);

    expect(findUnique).toHaveBeenCalledWith({ where: { id: TENANT }, select: { status: true } });
  });

  it('should cache an active tenant within the TTL', async () => {
    const { service, findUnique, tx } = setup(1000);

    await service.assertActive(tx, TENANT);
    now += 999;
    await service.assertActive(tx, TENANT);

    expect(findUnique).toHaveBeenCalledTimes(1);
  });

  it('should look the tenant up again once the TTL has passed', async () => {
    const { service, findUnique, tx } = setup(1000, [{ status: 'active' }, { status: 'active' }]);

    await service.assertActive(tx, TENANT);
    now += 1000;
    await service.assertActive(tx, TENANT);

    expect(findUnique).toHaveBeenCalledTimes(2);
  });

  it('should refuse a tenant suspended since its cache entry expired', async () => {
    const { service, tx } = setup(1000, [{ status: 'active' }, { status: 'suspended' }]);

    await service.assertActive(tx, TENANT);
    now += 1001;

    await expect(service.assertActive(tx, TENANT)).rejects.toThrow(TenantForbiddenError);
  });

  it('should cache per tenant', async () => {
    const { service, findUnique, tx } = setup(1000, [{ status: 'active' }, { status: 'active' }]);

    await service.assertActive(tx, TENANT);
    await service.assertActive(tx, OTHER);

    expect(findUnique).toHaveBeenCalledTimes(2);
    expect(findUnique).toHaveBeenLastCalledWith({ where: { id: OTHER }, select: { status: true } });
  });

  it.each([
    ['suspended', { status: 'suspended' }],
    ['unknown', null],
  ])('should refuse a %s tenant and not cache the answer', async (_label, row) => {
    const { service, findUnique, tx } = setup(1000, [row, row]);

    await expect(service.assertActive(tx, TENANT)).rejects.toThrow(TenantForbiddenError);
    await expect(service.assertActive(tx, TENANT)).rejects.toThrow(TenantForbiddenError);

    expect(findUnique).toHaveBeenCalledTimes(2);
  });

  it('should admit a tenant reactivated after a refusal on the next lookup', async () => {
    const { service, findUnique, tx } = setup(1000, [{ status: 'suspended' }, { status: 'active' }]);

    await expect(service.assertActive(tx, TENANT)).rejects.toThrow(TenantForbiddenError);
    await expect(service.assertActive(tx, TENANT)).resolves.toBeUndefined();
    expect(findUnique).toHaveBeenCalledTimes(2);
  });

  it('should never cache when the TTL is 0', async () => {
    const { service, findUnique, tx } = setup(0, [
      { status: 'active' },
      { status: 'active' },
      { status: 'active' },
    ]);

    await service.assertActive(tx, TENANT);
    await service.assertActive(tx, TENANT);
    await service.assertActive(tx, TENANT);

    expect(findUnique).toHaveBeenCalledTimes(3);
  });
});

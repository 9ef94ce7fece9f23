/**
 * At most `max` transactions at once per tenant: the next one of a tenant at its cap waits, before
 * it takes a connection, until one of its own ends (first come, first served), while other tenants'
 * go ahead. So one tenant's burst or heavy queries cannot hold the whole pool. By hand: a keyed
 * counting semaphore is a few lines, and the libraries for it bring timers and options we do not use.
 */
export class TenantSlots {
  private readonly tenants = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(private readonly max: number) {}

  /** Resolves once the tenant may start a transaction, with the function that ends it. */
  async enter(tenantId: string): Promise<() => void> {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) this.tenants.set(tenantId, (tenant = { running: 0, waiting: [] }));
    if (tenant.running < this.max) tenant.running++;
    // A slot is handed over by `leave`, still counted as running.
    else await new Promise<void>((resolve) => tenant.waiting.push(resolve));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.leave(tenantId);
    };
  }

  /** Transactions of the tenant running and waiting: for tests and metrics. */
  load(tenantId: string): { running: number; waiting: number } {
    const tenant = this.tenants.get(tenantId);
    return { running: tenant?.running ?? 0, waiting: tenant?.waiting.length ?? 0 };
  }

  private leave(tenantId: string): void {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return;
    const next = tenant.waiting.shift();
    if (next) next();
    else if (--tenant.running === 0) this.tenants.delete(tenantId);
  }
}

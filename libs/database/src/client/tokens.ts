/** Injection token of the tenant-scoped Prisma client, the only client repositories get. */
export const TENANT_PRISMA = Symbol('TENANT_PRISMA');

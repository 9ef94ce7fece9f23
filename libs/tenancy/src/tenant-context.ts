import { ClsStore } from 'nestjs-cls';

/** What one request or message carries: who acts, for which tenant, under which correlation id. */
export interface TenantIdentity {
  tenantId: string;
  userId: string;
  correlationId: string;
}

export interface TenantClsStore extends ClsStore {
  identity?: TenantIdentity;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any RFC 4122 shaped uuid. Tenant ids are compared lower-cased everywhere. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

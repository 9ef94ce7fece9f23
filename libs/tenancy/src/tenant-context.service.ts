import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { TenantContextMissingError } from '@app/errors';
import { TenantClsStore, TenantIdentity, isUuid } from './tenant-context';

/** Reads and writes the tenant of the current request or message (async-local, via nestjs-cls). */
@Injectable()
export class TenantContextService {
  constructor(private readonly cls: ClsService<TenantClsStore>) {}

  set(identity: TenantIdentity): void {
    if (!isUuid(identity.tenantId)) throw new TenantContextMissingError('tenant id is not a uuid');
    this.cls.set('identity', { ...identity, tenantId: identity.tenantId.toLowerCase() });
  }

  get(): TenantIdentity | undefined {
    return this.cls.isActive() ? this.cls.get('identity') : undefined;
  }

  /** The current identity, or TenantContextMissingError: callers fail closed, never default. */
  require(): TenantIdentity {
    const identity = this.get();
    if (!identity) throw new TenantContextMissingError();
    return identity;
  }
}

/**
 * Thrown before any query when no tenant is in context. Not a DomainError on purpose:
 * it is a programming or transport fault, so a message that hits it is dead-lettered.
 */
export class TenantContextMissingError extends Error {
  constructor(detail = 'no tenant in context') {
    super(`Refusing to query the database: ${detail}`);
    this.name = 'TenantContextMissingError';
  }
}

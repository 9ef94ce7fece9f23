export { DatabaseModule, transactionalClsPlugin } from './database.module';
export type { DatabaseOptions } from './database.options';
export { TenantTransaction } from './client/tenant-transaction';
export { Inbox } from './client/inbox';
export type { InboxEntry, InboxRecord } from './client/inbox';
export { TENANT_PRISMA } from './client/tokens';
export type { TenantPrismaClient } from './client/tenant-prisma.client';
export { isForeignKeyViolation, isUniqueViolation } from './client/prisma-errors';
export {
  databaseErrorCodes,
  isDatabaseUnreachable,
  isTransientDatabaseError,
} from './client/transient-errors';
export { DatabaseProbe } from './client/database-probe';
export { sql, TenantSql } from './client/tenant-sql';
export type { Sql } from './client/tenant-sql';
export { assertRuntimeSafety, UnsafeDatabaseError } from './safety/runtime-safety.check';
// Row types of every model (ProjectModel, ...), for repositories to name what they return.
export type * from './generated/prisma/models';

export * from './database.module';
export { TenantTransaction } from './client/tenant-transaction';
export { ProjectsRepository } from './repositories/projects.repository';
export type { ProjectRecord, ProjectChanges, ProjectPosition } from './repositories/projects.repository';
export { UnsafeDatabaseError } from './safety/runtime-safety.check';

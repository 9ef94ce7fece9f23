// What the owner role does, outside the services: migrations, the runtime role, tenant records.
// Relative imports only inside migrate/, so jest's globalSetup and the bench can load the migrator.
export { migrate } from './migrate/migrator';
export type { MigrateOptions } from './migrate/migrator';
export { MigrationError } from './migrate/migration.error';

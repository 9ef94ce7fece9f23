import { ConfigurableModuleBuilder } from '@nestjs/common';

/** How the worker reaches PostgreSQL, as the runtime role. */
export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  /** How long a tenant's active/suspended status is cached; bounds how long a suspension takes to bite. */
  tenantStatusTtlMs: number;
}

export const { ConfigurableModuleClass: DatabaseModuleBase, MODULE_OPTIONS_TOKEN: DATABASE_OPTIONS } =
  new ConfigurableModuleBuilder<DatabaseOptions>().setClassMethodName('forRoot').build();

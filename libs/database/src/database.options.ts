import { ConfigurableModuleBuilder } from '@nestjs/common';

/** How the worker reaches PostgreSQL, as the runtime role. */
export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  /** How long a tenant's active/suspended status is cached; bounds how long a suspension takes to bite. */
  tenantStatusTtlMs: number;
  /** Longest a statement of a tenant transaction may run (statement_timeout). */
  statementTimeoutMs: number;
  /** Longest it may wait for a lock (lock_timeout). */
  lockTimeoutMs: number;
  /** Transactions one tenant may run at once; its next one waits for one of its own to end. */
  maxTransactionsPerTenant: number;
  /** How long the inbox remembers a message id, and so how long an Idempotency-Key replays. */
  inboxRetentionMs: number;
}

export const { ConfigurableModuleClass: DatabaseModuleBase, MODULE_OPTIONS_TOKEN: DATABASE_OPTIONS } =
  new ConfigurableModuleBuilder<DatabaseOptions>().setClassMethodName('forRoot').build();

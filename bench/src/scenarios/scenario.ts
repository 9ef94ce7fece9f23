import type { Pool } from 'pg';
import { hs256Key, signAccessToken } from '@app/auth';
import type { Cleanup } from '../cleanup';
import type { BenchEnv } from '../environment';
import type { BenchOptions } from '../options';

/** What every scenario may use; tenants exist in the bench database, tokens are theirs. */
export interface ScenarioContext {
  env: BenchEnv;
  options: BenchOptions;
  admin: Pool;
  tenants: string[];
  tokens: string[];
  cleanup: Cleanup;
  signal: AbortSignal;
  /** Seconds of load discarded before measuring, so JIT and pool warm-up are not measured. */
  warmupS: number;
}

/** A bench user's token for a tenant of the bench database, signed with the run's key. */
export function tokenFor(env: BenchEnv, tenantId: string): string {
  return signAccessToken(
    { tenantId, sub: 'bench-user', email: 'bench@example.com', ttl: '2h' },
    hs256Key(env.jwtSecret),
  );
}

/** A name unique within the run, so no create ever meets the (tenant_id, name) unique index. */
export function uniqueName(scenario: string, seq: number): string {
  return `${scenario}-${seq}`;
}

export function tenantFor(ctx: ScenarioContext, seq: number): string {
  return ctx.tenants[seq % ctx.tenants.length];
}

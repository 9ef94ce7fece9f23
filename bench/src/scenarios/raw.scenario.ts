import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { closedLoop } from '../driver';
import { Measurement } from '../measurement';
import { ScenarioContext, tenantFor, uniqueName } from './scenario';

// The worker's default DATABASE_POOL_SIZE, so the ceiling is measured with the same connections.
export const POOL_SIZE = 10;

/** The ceiling: the same transaction as the worker's, by hand with `pg`, as the runtime role. */
export async function runRaw(ctx: ScenarioContext, label: string): Promise<Measurement> {
  const pool = new Pool({
    connectionString: ctx.env.runtimeUrl,
    max: POOL_SIZE,
    application_name: 'bench-raw',
  });
  pool.on('error', () => undefined);
  try {
    return await closedLoop(
      async (seq) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenantFor(ctx, seq)]);
          await client.query('INSERT INTO projects (id, name) VALUES ($1, $2)', [
            randomUUID(),
            uniqueName(label, seq),
          ]);
          await client.query('COMMIT');
          client.release();
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          // Destroys the connection rather than returning one in an unknown state to the pool.
          client.release(true);
          throw err;
        }
      },
      {
        concurrency: ctx.options.connections,
        durationMs: ctx.options.duration * 1000,
        warmupMs: ctx.warmupS * 1000,
        signal: ctx.signal,
      },
    );
  } finally {
    await pool.end();
  }
}

import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { closedLoop } from '../driver';
import { Measurement } from '../measurement';
import { ScenarioContext, tenantFor, uniqueName } from './scenario';

// The worker's default DATABASE_POOL_SIZE, so the ceiling is measured with the same connections.
export const POOL_SIZE = 10;

const TENANT = "SELECT set_config('app.current_tenant_id', $1, true)";
const INSERT = 'INSERT INTO projects (id, name) VALUES ($1, $2)';

/** The ceiling: the same transaction as the worker's, by hand with `pg`, as the runtime role. */
export function runRaw(ctx: ScenarioContext, label: string): Promise<Measurement> {
  return rawLoop(ctx, 'bench-raw', false, async (client, seq) => {
    await client.query('BEGIN');
    await client.query(TENANT, [tenantFor(ctx, seq)]);
    await client.query(INSERT, [randomUUID(), uniqueName(label, seq)]);
    await client.query('COMMIT');
  });
}

/**
 * The ceiling of a pipelined transaction: the same four statements, written together in one packet
 * (pg's pipeline mode, the socket corked while they are queued), then their answers awaited. The
 * server runs them in order; one that fails aborts the transaction, so the COMMIT behind it rolls
 * back (and says ROLLBACK, which is checked).
 */
export function runRawPipelined(ctx: ScenarioContext, label: string): Promise<Measurement> {
  return rawLoop(ctx, 'bench-raw-pipelined', true, async (client, seq) => {
    const stream = (
      client as unknown as {
        connection: { stream: NodeJS.WritableStream & { cork(): void; uncork(): void } };
      }
    ).connection.stream;
    stream.cork();
    const sent = [
      client.query('BEGIN'),
      client.query(TENANT, [tenantFor(ctx, seq)]),
      client.query(INSERT, [randomUUID(), uniqueName(label, seq)]),
      client.query('COMMIT'),
    ];
    stream.uncork();
    const results = await Promise.all(sent);
    if (results[3].command !== 'COMMIT') throw new Error(`the transaction ended with ${results[3].command}`);
  });
}

async function rawLoop(
  ctx: ScenarioContext,
  name: string,
  pipeline: boolean,
  transaction: (client: PoolClient, seq: number) => Promise<void>,
): Promise<Measurement> {
  const pool = new Pool({
    connectionString: ctx.env.runtimeUrl,
    max: POOL_SIZE,
    application_name: name,
    pipeline,
  });
  pool.on('error', () => undefined);
  try {
    return await closedLoop(
      async (seq) => {
        const client = await pool.connect();
        try {
          await transaction(client, seq);
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

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import { InFlightError } from '@app/errors';

/** What a tenant transaction sets as it opens; see TenantTransaction. */
export interface TenantOpening {
  tenantId: string;
  statementTimeout: string;
  lockTimeout: string;
  /** Taken as a transaction-scoped advisory lock: a transaction that finds it taken throws InFlightError. */
  exclusiveKey?: string;
  /** Set when the lock was found taken, however Prisma reports the failed statement. */
  lockTaken?: boolean;
}

type Query = (config: QueryConfig) => Promise<QueryResult>;

interface Socket {
  cork(): void;
  uncork(): void;
}

const opening = new AsyncLocalStorage<TenantOpening>();

/** Runs `work` with the transactions it begins opening as `tenant`. */
export function openingAs<T>(tenant: TenantOpening, work: () => Promise<T>): Promise<T> {
  return opening.run(tenant, work);
}

const SET_TENANT = `SELECT set_config('app.current_tenant_id', $1, true),
  set_config('statement_timeout', $2, true), set_config('lock_timeout', $3, true)`;
const SET_TENANT_LOCKED = `${SET_TENANT},
  pg_try_advisory_xact_lock(hashtextextended($4, 0)) AS acquired`;

const DONE = (command: string): QueryResult => ({ command, rowCount: null, oid: 0, fields: [], rows: [] });

/**
 * Opens each tenant transaction in one packet with its first statement. Prisma's pg adapter sends
 * BEGIN and waits for it; then came set_config, waited for too; then the first statement. Through
 * this pool, BEGIN is held back until the transaction's first statement, and BEGIN, the tenant's
 * set_config and that statement are written together (pg's pipeline mode, the socket corked), their
 * answers awaited together: one round trip and one write instead of three, and no Prisma request
 * for set_config. Written by hand because neither Prisma nor pg offers it: the adapter has no hook
 * between BEGIN and the first statement.
 *
 * Fail closed: the server runs the three in order, so a set_config that fails aborts the transaction
 * and the statement behind it fails too (nothing written), and that failure is what the caller
 * gets. A BEGIN that fails leaves the other two outside any transaction, where the tenant is set
 * for set_config's own statement only and RLS refuses the next one. A taken advisory lock fails the
 * statement with InFlightError before its caller sees its answer; the transaction then rolls back.
 * A BEGIN outside openingAs is sent as it comes: such a transaction has no tenant.
 */
export function pipelineTenantOpening(pool: Pool): Pool {
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver) as unknown;
      // Both forms: pool.query, which Prisma uses outside transactions, connects with a callback.
      return (callback?: (err: Error | undefined, client?: PoolClient, done?: () => void) => void) => {
        if (!callback) return target.connect().then(withTenantOpening);
        target.connect((err, client, done) =>
          callback(err, client && withTenantOpening(client), done as () => void),
        );
      };
    },
  });
}

function withTenantOpening(client: PoolClient): PoolClient {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  const send = original as unknown as Query;
  let held: TenantOpening | undefined;
  const opened = async (config: QueryConfig): Promise<QueryResult> => {
    const tenant = held!;
    const { tenantId, statementTimeout, lockTimeout, exclusiveKey } = tenant;
    held = undefined;
    // A transaction that ends before its first statement has nothing to open.
    if (config.text === 'COMMIT' || config.text === 'ROLLBACK') return DONE(config.text);
    const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
    socket.cork();
    const sent = [
      send({ text: 'BEGIN' }),
      exclusiveKey === undefined
        ? send({ text: SET_TENANT, values: [tenantId, statementTimeout, lockTimeout] })
        : send({ text: SET_TENANT_LOCKED, values: [tenantId, statementTimeout, lockTimeout, exclusiveKey] }),
      send(config),
    ];
    socket.uncork();
    const [begun, set, answer] = await Promise.allSettled(sent);
    if (begun.status === 'rejected') throw begun.reason;
    if (set.status === 'rejected') throw set.reason;
    if (exclusiveKey !== undefined && (set.value.rows[0] as { acquired?: boolean }).acquired !== true) {
      tenant.lockTaken = true;
      throw new InFlightError();
    }
    if (answer.status === 'rejected') throw answer.reason;
    return answer.value;
  };
  // Prisma's adapter calls query(config) and awaits it; any other form (pool.query's callbacks) goes
  // through as it is, except while a tenant's BEGIN is held, which no such call may follow.
  const query = (...args: unknown[]): unknown => {
    const config = args.length === 1 && typeof args[0] === 'object' ? (args[0] as QueryConfig) : undefined;
    if (config?.text === 'BEGIN' && !held) {
      held = opening.getStore();
      if (held) return Promise.resolve(DONE('BEGIN'));
    }
    if (!held) return original(...args);
    if (!config) throw new Error('A tenant transaction must begin with a statement of Prisma’s adapter');
    return opened(config);
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'query') return query;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

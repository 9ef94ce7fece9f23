// Which database failures are worth trying again: the server is unreachable, restarting or shutting
// down, or a transaction lost a race (serialization, deadlock, lock or statement timeout). Prisma
// wraps them in several ways (its own P-codes, or the driver's SQLSTATE or errno further down), so
// the error and what it wraps are searched for any of these codes.
const TRANSIENT_PRISMA = new Set([
  'P1001', // can't reach the database server
  'P1002', // the server timed out
  'P1008', // operation timed out
  'P1017', // the server closed the connection
  'P2024', // timed out waiting for a pool connection
  'P2028', // transaction API error (e.g. it could not start in time)
  'P2034', // write conflict or deadlock: retry the transaction
]);
const TRANSIENT_SQLSTATE = /^(08...|40001|40P01|55P03|57014|57P0[1-3]|53300)$/;
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const TRANSIENT_MESSAGE =
  /Connection terminated|terminating connection|Client has encountered a connection error|Can't reach database server/i;

function codesOf(value: unknown, depth = 0, found: string[] = []): string[] {
  if (depth > 4 || typeof value !== 'object' || value === null) return found;
  for (const key of ['code', 'originalCode', 'errno']) {
    const code = (value as Record<string, unknown>)[key];
    if (typeof code === 'string') found.push(code);
  }
  for (const key of ['cause', 'meta', 'driverAdapterError']) {
    codesOf((value as Record<string, unknown>)[key], depth + 1, found);
  }
  return found;
}

/** True for a failure that may well succeed if the same work is tried again a little later. */
export function isTransientDatabaseError(err: unknown): boolean {
  const codes = codesOf(err);
  if (codes.some((c) => TRANSIENT_PRISMA.has(c) || TRANSIENT_SQLSTATE.test(c) || TRANSIENT_ERRNO.has(c))) {
    return true;
  }
  return err instanceof Error && TRANSIENT_MESSAGE.test(err.message);
}

// Of the transient failures, those that say the server itself is gone or starting, not that one
// transaction lost a race: while they last, every message would fail the same way.
const UNREACHABLE_PRISMA = new Set(['P1001', 'P1017']);
const UNREACHABLE_SQLSTATE = /^(08...|57P0[1-3])$/;

/** True when the database cannot be reached at all (down, restarting, connection refused or reset). */
export function isDatabaseUnreachable(err: unknown): boolean {
  const codes = codesOf(err);
  if (
    codes.some((c) => UNREACHABLE_PRISMA.has(c) || UNREACHABLE_SQLSTATE.test(c) || TRANSIENT_ERRNO.has(c))
  ) {
    return true;
  }
  return err instanceof Error && TRANSIENT_MESSAGE.test(err.message);
}

/** The codes a database error carries (Prisma's, the SQLSTATE, the errno), for logs and dead letters. */
export function databaseErrorCodes(err: unknown): string[] {
  return [...new Set(codesOf(err))];
}

const UNSAFE_PREFIX = 'Refusing to start: the database does not isolate tenants:';

/** The runtime role could read or write across tenants; `problems` holds one sentence each. */
export class UnsafeDatabaseError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${UNSAFE_PREFIX}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UnsafeDatabaseError';
  }
}

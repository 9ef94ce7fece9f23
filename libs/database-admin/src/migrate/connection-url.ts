import { MigrationError } from './migration.error';

/** The parts of a postgres:// URL the migrator needs; user and password come back decoded. */
export interface ConnectionUrlParts {
  user: string;
  password: string;
  database: string;
}

export function parseConnectionUrl(url: string, label: string): ConnectionUrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MigrationError(`${label} is not a valid URL.`);
  }
  const parts = {
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
  if (!parts.user) throw new MigrationError(`${label} names no user.`);
  if (!parts.database) throw new MigrationError(`${label} names no database.`);
  return parts;
}

/** The same server, credentials and options, another database (e.g. the `postgres` maintenance db). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrationError } from './migration.error';

/** CREATE INDEX CONCURRENTLY and friends refuse to run inside a transaction block. */
export const NO_TRANSACTION_MARKER = '-- tenantry:no-transaction';

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes, exactly what Prisma stores in _prisma_migrations.checksum. */
  checksum: string;
  transactional: boolean;
}

/** Every `<dir>/<name>/migration.sql`, in name order (the timestamp prefix makes that apply order). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  if (!existsSync(migrationsDir)) {
    throw new MigrationError(`The migrations directory ${migrationsDir} does not exist.`);
  }
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && existsSync(join(migrationsDir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(migrationsDir, name, 'migration.sql'));
      const sql = bytes.toString('utf8');
      return {
        name,
        sql,
        checksum: createHash('sha256').update(bytes).digest('hex'),
        transactional: sql.split(/\r?\n/, 1)[0]?.trim() !== NO_TRANSACTION_MARKER,
      };
    }),
  );
}

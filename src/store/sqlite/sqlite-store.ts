import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store } from '../ports.ts';
import { kyselyStore } from '../kysely/kysely-store.ts';
import type { Database } from '../kysely/schema.ts';
import { sqliteMigrations } from './migrations.ts';

export interface SqliteOptions {
  /** File path, or ":memory:". */
  path: string;
  /** NORMAL survives a process crash (kill -9); FULL also survives power loss (K04). */
  synchronous: 'NORMAL' | 'FULL';
}

export function openSqliteStore(options: SqliteOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new BetterSqlite3(options.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return kyselyStore(db, { dialect: 'sqlite', migrations: sqliteMigrations, close: () => db.destroy() });
}

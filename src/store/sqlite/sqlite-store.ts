import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Store } from '../ports.ts';
import { kyselyStore } from '../kysely/kysely-store.ts';
import type { Database } from '../kysely/schema.ts';
import { DEFAULT_STORE_TIMEOUTS } from '../store-timeouts.ts';
import { StoreUnavailable } from '../store-unavailable.ts';
import { startCheckpointer } from './checkpointer.ts';
import { sqliteMigrations } from './migrations.ts';

export interface SqliteOptions {
  /** File path, or ":memory:". */
  path: string;
  /** NORMAL survives a process crash (kill -9); FULL also survives power loss (K04). */
  synchronous: 'NORMAL' | 'FULL';
  /** How long a write waits for another connection's lock before failing with SQLITE_BUSY; default 5 s. */
  busyTimeoutMs?: number;
}

const STATEMENT_CACHE_SIZE = 500;
const CHECKPOINT_INTERVAL_MS = 1000;

/** SQLITE_BUSY: the statement waited busyTimeoutMs for another connection's lock and did not run. */
function unavailableIfBusy(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY') ? new StoreUnavailable(false, { cause: error }) : error;
}

/** The statement as Kysely uses it, with a busy timeout reported as `StoreUnavailable` (nothing applied). */
function guarded(statement: BetterSqlite3.Statement): SqliteStatement {
  return {
    reader: statement.reader,
    all: (parameters) => {
      try {
        return statement.all(parameters);
      } catch (error) {
        throw unavailableIfBusy(error);
      }
    },
    run: (parameters) => {
      try {
        return statement.run(parameters);
      } catch (error) {
        throw unavailableIfBusy(error);
      }
    },
    iterate: (parameters) => statement.iterate(parameters),
  };
}

/**
 * Kysely prepares every query afresh; preparing costs as much as running a small statement. The
 * query builder emits a bounded set of SQL texts, so prepared statements are kept and reused.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      sqlite.close();
    },
    prepare: (sql: string) => {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        statement = guarded(sqlite.prepare(sql));
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

export function openSqliteStore(options: SqliteOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new BetterSqlite3(options.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_STORE_TIMEOUTS.busyTimeoutMs}`);
  // Reads through a memory map and a larger page cache: fewer system calls per statement.
  sqlite.pragma('mmap_size = 268435456');
  sqlite.pragma('cache_size = -65536');
  // Checkpoints (which fsync) run in a worker thread on a timer instead of inside whichever commit
  // crosses the auto-checkpoint threshold: commits stay cheap and durable across a process crash (WAL).
  sqlite.pragma('wal_autocheckpoint = 0');
  const checkpoints = options.path === ':memory:' ? null : startCheckpointer(options.path, CHECKPOINT_INTERVAL_MS);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return kyselyStore(db, {
    dialect: 'sqlite',
    migrations: sqliteMigrations,
    close: async () => {
      await checkpoints?.stop();
      await db.destroy();
    },
  });
}

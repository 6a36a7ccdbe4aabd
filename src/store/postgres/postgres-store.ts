import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { runMigrations } from '../migrate.ts';
import type { Store } from '../ports.ts';
import { kyselyStore } from '../kysely/kysely-store.ts';
import type { Database } from '../kysely/schema.ts';
import { DEFAULT_STORE_TIMEOUTS, type StoreTimeouts } from '../store-timeouts.ts';
import { guardedPool } from './guarded-pool.ts';
import { postgresMigrations } from './migrations.ts';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  timeouts?: Partial<StoreTimeouts>;
}

const INT8_OID = 20;

/**
 * Epoch-millisecond columns are BIGINT; node-postgres returns those as strings by default. They stay
 * far below 2^53, so this pool (and only this pool) parses them as numbers for the shared repositories.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** The pool's settings: BIGINT as numbers, bounded waits on every call (issue 11 §6), and synchronous commits (K04). */
export function poolConfig(options: PostgresOptions): pg.PoolConfig {
  const timeouts = { ...DEFAULT_STORE_TIMEOUTS, ...options.timeouts };
  return {
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    query_timeout: timeouts.queryTimeoutMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
    // A peer gone silent (a partition) is noticed on idle connections too.
    keepAlive: true,
    // An acknowledged commit is on disk whatever the server's, database's or role's default says.
    options: '-c synchronous_commit=on',
  };
}

/** Migrations run on a connection of their own without statement timeouts: building an index on a large table takes what it takes. */
async function migrate(options: PostgresOptions): Promise<{ applied: string[] }> {
  const config = { ...poolConfig(options), max: 1, statement_timeout: 0, query_timeout: undefined };
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool(config) }) });
  try {
    return await runMigrations(db, postgresMigrations);
  } finally {
    await db.destroy();
  }
}

export function openPostgresStore(options: PostgresOptions): Store {
  const pool = new pg.Pool(poolConfig(options));
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) });
  return kyselyStore(db, { dialect: 'postgres', migrations: postgresMigrations, migrate: () => migrate(options), close: () => db.destroy() });
}

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Store } from '../ports.ts';
import { kyselyStore } from '../kysely/kysely-store.ts';
import type { Database } from '../kysely/schema.ts';
import { postgresMigrations } from './migrations.ts';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
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

/** The pool's settings: BIGINT as numbers, bounded waits, and synchronous commits (K04). */
export function poolConfig(options: PostgresOptions): pg.PoolConfig {
  return {
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    connectionTimeoutMillis: 5000,
    // An acknowledged commit is on disk whatever the server's, database's or role's default says.
    options: '-c synchronous_commit=on',
  };
}

export function openPostgresStore(options: PostgresOptions): Store {
  const pool = new pg.Pool(poolConfig(options));
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return kyselyStore(db, { dialect: 'postgres', migrations: postgresMigrations, close: () => db.destroy() });
}

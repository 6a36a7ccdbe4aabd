/** Bounded waits on every store call (issue 11 §6); openStore takes any of them as options. */
export interface StoreTimeouts {
  /** PostgreSQL `statement_timeout`: the server cancels a statement running (or waiting for a lock) longer. */
  statementTimeoutMs: number;
  /** Opening a PostgreSQL connection, or waiting for a free one in the pool. */
  connectTimeoutMs: number;
  /**
   * How long the client waits for any answer (pg `query_timeout`): catches a silent network, where
   * the server's own timeout can never be heard. Longer than `statementTimeoutMs`, so a slow
   * statement is normally cancelled by the server first, with a known outcome.
   */
  queryTimeoutMs: number;
  /** PostgreSQL `idle_in_transaction_session_timeout`: a session idle inside a transaction is ended, freeing its locks. */
  idleInTransactionTimeoutMs: number;
  /** SQLite `busy_timeout`: how long a write waits for another connection's lock. */
  busyTimeoutMs: number;
}

export const DEFAULT_STORE_TIMEOUTS: Readonly<StoreTimeouts> = Object.freeze({
  statementTimeoutMs: 5000,
  connectTimeoutMs: 3000,
  queryTimeoutMs: 7000,
  idleInTransactionTimeoutMs: 10_000,
  busyTimeoutMs: 5000,
});

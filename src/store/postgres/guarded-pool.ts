import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { StoreUnavailable } from '../store-unavailable.ts';

/** What a statement does, which decides whether its failure can leave a change half-known. */
type Phase = 'begin' | 'commit' | 'rollback' | 'read' | 'write';

/** How a connectivity failure happened; null when the error is not about connectivity at all. */
type Failure = 'cancelled' | 'unsent' | 'lost';

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
// SQLSTATE class 08 (connection exception), 57P01–57P05 (server shutting down, crashed, not accepting
// connections, idle session ended), 25P03 (idle in transaction too long), 53300 (too many connections).
const CONNECTION_STATES = /^(08...|57P0[1-5]|25P03|53300)$/;
const NOT_SENT = /not queryable/;
const LOST = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection timeout/i;

function phaseOf(sql: string): Phase {
  const head = sql.trimStart().slice(0, 20).toLowerCase();
  if (head.startsWith('select')) return 'read';
  if (head.startsWith('begin') || head.startsWith('start transaction')) return 'begin';
  if (head.startsWith('commit')) return 'commit';
  if (head.startsWith('rollback') && !head.startsWith('rollback to')) return 'rollback';
  return 'write';
}

function failureOf(error: unknown): Failure | null {
  const { code, message } = error as { code?: unknown; message?: unknown };
  // 57014: the server cancelled the statement (statement_timeout) and said so: nothing of it applied.
  if (code === '57014') return 'cancelled';
  const text = typeof message === 'string' ? message : '';
  if (NOT_SENT.test(text)) return 'unsent';
  if ((typeof code === 'string' && (NETWORK_ERRORS.has(code) || CONNECTION_STATES.test(code))) || LOST.test(text)) return 'lost';
  return null;
}

/**
 * A pool client that turns connectivity failures into `StoreUnavailable`, knowing whether the failed
 * statement could have changed anything. After a lost connection or an unanswered statement it
 * refuses further statements (Kysely's ROLLBACK then fails with the same error) and is destroyed on
 * release instead of going back to the pool.
 */
class GuardedClient {
  private inTransaction = false;
  private wrote = false;
  private broken: StoreUnavailable | null = null;

  constructor(private readonly client: pg.PoolClient) {}

  async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    if (this.broken) throw this.broken;
    const phase = phaseOf(sql);
    try {
      return (await this.client.query(sql, parameters as unknown[])) as unknown as PostgresQueryResult<R>;
    } catch (error) {
      throw this.classify(error, phase);
    } finally {
      this.track(phase);
    }
  }

  release(destroy?: boolean): void {
    this.client.release(destroy === true || this.broken !== null);
    this.inTransaction = false;
    this.wrote = false;
  }

  private classify(error: unknown, phase: Phase): unknown {
    const failure = failureOf(error);
    if (failure === null) return error;
    // Lost mid-transaction before COMMIT: the server rolls the transaction back, so nothing applied.
    const changeInDoubt = phase === 'commit' ? this.wrote : phase === 'write' && !this.inTransaction;
    const unavailable = new StoreUnavailable(failure === 'lost' && changeInDoubt, { cause: error });
    if (failure !== 'cancelled') this.broken = unavailable;
    return unavailable;
  }

  private track(phase: Phase): void {
    if (phase === 'begin') {
      this.inTransaction = true;
      this.wrote = false;
    } else if (phase === 'commit' || phase === 'rollback') {
      this.inTransaction = false;
    } else if (phase === 'write') {
      this.wrote = true;
    }
  }
}

/** The pool as Kysely sees it: each client guarded, and a failure to connect reported as `StoreUnavailable`. */
export function guardedPool(pool: pg.Pool): PostgresPool {
  const guarded = new WeakMap<pg.PoolClient, GuardedClient>();
  return {
    connect: async () => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw failureOf(error) === null ? error : new StoreUnavailable(false, { cause: error });
      }
      let wrapper = guarded.get(client);
      if (!wrapper) guarded.set(client, (wrapper = new GuardedClient(client)));
      return wrapper as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

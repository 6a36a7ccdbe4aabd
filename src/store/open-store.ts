import type { Store } from './ports.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { StoreTimeouts } from './store-timeouts.ts';

export interface StoreOptions {
  /** `sqlite:<path>` or `postgres://…` */
  url: string;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Any of the bounded waits; the rest keep DEFAULT_STORE_TIMEOUTS (5 s statements, 3 s connects, …). */
  timeouts?: Partial<StoreTimeouts>;
}

/** The one place backends are chosen. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.url.startsWith('sqlite:')) {
    return openSqliteStore({
      path: options.url.slice('sqlite:'.length),
      synchronous: options.sqliteSynchronous,
      ...(options.timeouts?.busyTimeoutMs !== undefined && { busyTimeoutMs: options.timeouts.busyTimeoutMs }),
    });
  }
  if (options.url.startsWith('postgres://') || options.url.startsWith('postgresql://')) {
    const { openPostgresStore } = await import('./postgres/postgres-store.ts');
    return openPostgresStore({ url: options.url, ...(options.timeouts && { timeouts: options.timeouts }) });
  }
  throw new Error('store must be sqlite:<path> or postgres://…');
}

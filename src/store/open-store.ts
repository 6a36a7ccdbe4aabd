import type { Store } from './ports.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

export interface StoreOptions {
  /** `sqlite:<path>` or `postgres://…` */
  url: string;
  sqliteSynchronous: 'NORMAL' | 'FULL';
}

/** The one place backends are chosen. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.url.startsWith('sqlite:')) {
    return openSqliteStore({ path: options.url.slice('sqlite:'.length), synchronous: options.sqliteSynchronous });
  }
  if (options.url.startsWith('postgres://') || options.url.startsWith('postgresql://')) {
    const { openPostgresStore } = await import('./postgres/postgres-store.ts');
    return openPostgresStore({ url: options.url });
  }
  throw new Error('store must be sqlite:<path> or postgres://…');
}

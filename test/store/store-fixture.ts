import { afterAll, beforeAll } from 'vitest';
import type { Store } from '../../src/store/ports.ts';

/**
 * Registers, in the calling `describe`, the hooks every store conformance suite shares: open a
 * store and migrate it before the tests, close it after. The store is only available inside hooks
 * and tests (it is opened in `beforeAll`), hence the holder object rather than the store itself.
 */
export function migratedStore(open: () => Promise<Store>): { readonly store: Store } {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await open();
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
  });
  return {
    get store(): Store {
      if (!store) throw new Error('store used before beforeAll opened it');
      return store;
    },
  };
}

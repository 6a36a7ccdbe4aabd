import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/ports.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { StoreUnavailable } from '../../src/store/store-unavailable.ts';
import { T0, anApiKey } from '../support/factories.ts';

/** Issue 11 §6 on SQLite: a write waits busyTimeoutMs for another connection's lock, then fails as StoreUnavailable. */
describe('SQLite store: busy timeout', () => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('a write blocked past busyTimeoutMs by another connection is StoreUnavailable with a known outcome', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-busy-')), 'store.db');
    const holder = openSqliteStore({ path, synchronous: 'NORMAL' });
    const waiter = openSqliteStore({ path, synchronous: 'NORMAL', busyTimeoutMs: 100 });
    stores.push(holder, waiter);
    await holder.migrate();
    const key = anApiKey(randomUUID());
    await holder.apiKeys.create(key);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const open = holder.transaction(async (tx) => {
      await tx.apiKeys.create(anApiKey(randomUUID()));
      locked();
      await gate;
    });
    await holding;
    const started = Date.now();
    const error = await waiter.apiKeys.revoke(key.id, T0).catch((e: unknown) => e);
    release();
    await open;
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect((await waiter.apiKeys.findById(key.id))?.revokedAt).toBeNull();
  });
});

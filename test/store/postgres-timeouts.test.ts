import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/ports.ts';
import { openPostgresStore, poolConfig } from '../../src/store/postgres/postgres-store.ts';
import type { StoreTimeouts } from '../../src/store/store-timeouts.ts';
import { StoreUnavailable } from '../../src/store/store-unavailable.ts';
import { T0, anApiKey } from '../support/factories.ts';
import { announceSkip, freshPostgresDatabase, postgresUrl } from '../support/services.ts';

/**
 * Issue 11 §6: every PostgreSQL call is bounded in time, and a call that fails for connectivity or a
 * timeout throws StoreUnavailable, saying whether a change may have landed (outcomeUnknown).
 */

const unavailable = (outcomeUnknown: boolean) => expect.objectContaining({ name: 'StoreUnavailable', outcomeUnknown });

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

const baseUrl = postgresUrl;
if (!baseUrl) {
  announceSkip('PostgreSQL store timeouts', 'GATEHOUSE_TEST_POSTGRES_URL');
  describe.skip('PostgreSQL store timeouts (GATEHOUSE_TEST_POSTGRES_URL unset)', () => {
    it('bounds every call and reports StoreUnavailable', () => undefined);
  });
} else {
  describe('PostgreSQL store: bounded waits and StoreUnavailable', () => {
    let url: string;
    let drop: () => Promise<void>;
    let admin: pg.Client;
    const stores: Store[] = [];
    const open = (timeouts: Partial<StoreTimeouts>, at = url) => {
      const store = openPostgresStore({ url: at, timeouts });
      stores.push(store);
      return store;
    };

    beforeAll(async () => {
      ({ url, drop } = await freshPostgresDatabase(baseUrl));
      await open({}).migrate();
      admin = new pg.Client({ connectionString: url });
      await admin.connect();
    });
    afterAll(async () => {
      for (const store of stores) await store.close().catch(() => undefined);
      await admin?.end();
      await drop?.();
    });

    /** Runs `work` while another session holds an exclusive lock on api_keys, so the store's statements wait. */
    async function whileLocked<T>(work: () => Promise<T>): Promise<T> {
      await admin.query('begin');
      await admin.query('lock table api_keys in access exclusive mode');
      try {
        return await work();
      } finally {
        await admin.query('rollback');
      }
    }

    it('every pooled connection carries the default server-side timeouts', async () => {
      const pool = new pg.Pool(poolConfig({ url }));
      try {
        const show = async (setting: string) => Object.values((await pool.query(`show ${setting}`)).rows[0] as object)[0];
        expect(await show('statement_timeout')).toBe('5s');
        expect(await show('idle_in_transaction_session_timeout')).toBe('10s');
      } finally {
        await pool.end();
      }
    });

    it('a refused connection is StoreUnavailable with a known outcome: nothing was sent', async () => {
      const closed = createServer();
      const port = await listen(closed);
      await new Promise((resolve) => closed.close(resolve));
      const store = open({}, `postgres://postgres@127.0.0.1:${port}/none`);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.apiKeys.revoke(randomUUID(), T0)).rejects.toEqual(unavailable(false));
    });

    it('a server that accepts but never answers is given up after connectTimeoutMs', async () => {
      const silent = createServer(() => undefined);
      const port = await listen(silent);
      try {
        const store = open({ connectTimeoutMs: 200 }, `postgres://postgres@127.0.0.1:${port}/none`);
        const started = Date.now();
        await expect(store.apiKeys.revoke(randomUUID(), T0)).rejects.toEqual(unavailable(false));
        expect(Date.now() - started).toBeLessThan(2000);
      } finally {
        silent.close();
      }
    });

    it('a statement the server cancels at statement_timeout has a known outcome, read or write, and the store recovers', async () => {
      const store = open({ statementTimeoutMs: 200 });
      const key = anApiKey(randomUUID());
      await store.apiKeys.create(key);
      await whileLocked(async () => {
        await expect(store.apiKeys.findById(key.id)).rejects.toEqual(unavailable(false));
        await expect(store.apiKeys.revoke(key.id, T0)).rejects.toEqual(unavailable(false));
        await expect(store.transaction((tx) => tx.apiKeys.revoke(key.id, T0))).rejects.toEqual(unavailable(false));
      });
      expect((await store.apiKeys.findById(key.id))?.revokedAt).toBeNull();
      expect((await store.apiKeys.revoke(key.id, T0 + 1))?.revokedAt).toBe(T0 + 1);
    });

    it('a write whose connection is lost while it runs has an unknown outcome', async () => {
      const store = open({});
      const key = anApiKey(randomUUID());
      await store.apiKeys.create(key);
      await whileLocked(async () => {
        // Settled into a value at once, so its rejection is never unhandled while the test waits.
        const revoke = store.apiKeys.revoke(key.id, T0).then(() => 'applied', (error: unknown) => error);
        const waiting = async () =>
          (await admin.query(`select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows as Array<{ pid: number }>;
        await expect.poll(async () => (await waiting()).length).toBe(1);
        await admin.query('select pg_terminate_backend($1)', [(await waiting())[0]!.pid]);
        expect(await revoke).toEqual(unavailable(true));
      });
    });

    it('a COMMIT left unanswered past queryTimeoutMs has an unknown outcome, and may still land', async () => {
      await admin.query(`create function slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(1); return null; end $$`);
      await admin.query(`create constraint trigger slow_commit after insert on sessions deferrable initially deferred for each row execute function slow_commit()`);
      try {
        const store = open({ queryTimeoutMs: 300 });
        const session = { idHash: randomUUID(), userId: 'u', csrfToken: 'c', createdAt: T0, expiresAt: T0 + 1 };
        await expect(store.transaction((tx) => tx.sessions.create(session))).rejects.toEqual(unavailable(true));
        await expect.poll(async () => (await admin.query('select 1 from sessions where id_hash = $1', [session.idHash])).rowCount, { timeout: 30_000 }).toBe(1);
      } finally {
        await admin.query('drop trigger slow_commit on sessions');
        await admin.query('drop function slow_commit');
      }
    });
  });
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { hashPassword, verifyPassword } from '../../src/core/passwords.ts';
import { poolConfig } from '../../src/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { announceSkip, freshPostgresDatabase, postgresUrl } from '../support/services.ts';

describe('P10 stored passwords', () => {
  it('are argon2id with current parameters, salted, and verified against the exact input (no truncation)', async () => {
    const long = `${'p'.repeat(100)}-end`;
    const stored = await hashPassword(long);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hashPassword(long)).not.toBe(stored);
    expect(await verifyPassword(stored, long)).toBe(true);
    // Differences past 72 bytes (bcrypt's cut-off), in case, or in Unicode form all fail.
    expect(await verifyPassword(stored, `${'p'.repeat(100)}-enD`)).toBe(false);
    expect(await verifyPassword(stored, 'p'.repeat(100))).toBe(false);
    const composed = 'caf\u00e9-password';
    expect(await verifyPassword(await hashPassword(composed), composed.normalize('NFD'))).toBe(false);
    expect(await verifyPassword('not a hash', long)).toBe(false);
  });
});

describe('K04 durability settings', () => {
  it('SQLite: a WAL journal; synchronous NORMAL by default, FULL when configured, other values refused', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-k04-')), 'store.db');
    const store = openSqliteStore({ path, synchronous: 'FULL' });
    await store.migrate();
    await store.close();
    const file = new BetterSqlite3(path, { readonly: true });
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    file.close();
    expect(loadConfig({ env: {} }).sqliteSynchronous).toBe('NORMAL');
    expect(loadConfig({ env: { GATEHOUSE_SQLITE_SYNCHRONOUS: 'FULL' } }).sqliteSynchronous).toBe('FULL');
    expect(() => loadConfig({ env: { GATEHOUSE_SQLITE_SYNCHRONOUS: 'OFF' } })).toThrow(/SQLITE_SYNCHRONOUS|sqliteSynchronous/);
  });

  const baseUrl = postgresUrl;
  if (baseUrl) {
    it('PostgreSQL: the store\'s connections commit synchronously, even where the database default is off', async () => {
      const db = await freshPostgresDatabase(baseUrl);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      const pool = new pg.Pool(poolConfig({ url: db.url }));
      try {
        const database = new URL(db.url).pathname.slice(1);
        await admin.query(`alter database ${database} set synchronous_commit = off`);
        // A plain connection now gets the database's default; the store's connections do not.
        const plain = new pg.Client({ connectionString: db.url });
        await plain.connect();
        expect((await plain.query('show synchronous_commit')).rows[0].synchronous_commit).toBe('off');
        await plain.end();
        expect((await pool.query('show synchronous_commit')).rows[0].synchronous_commit).toBe('on');
      } finally {
        await pool.end();
        await admin.end();
        await db.drop();
      }
    });
  } else {
    announceSkip('K04 PostgreSQL durability', 'GATEHOUSE_TEST_POSTGRES_URL');
  }
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/core/passwords.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
import { CookieClient, hiddenField } from '../support/browserless.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { ADMIN, RestClient, registerClient } from '../support/rest.ts';

/**
 * P12: a username names one account whatever its case or Unicode form (NFKC + lower case), for
 * uniqueness and for every sign-in; accounts that already differ only in case keep working.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function signUp(username: string): Promise<Response> {
  const client = new CookieClient(server.control);
  const form = await (await client.request('/devportal/signup')).text();
  return client.postForm('/devportal/signup', { csrf: hiddenField(form, 'csrf'), username, password: PASSWORD, confirmPassword: PASSWORD });
}

async function signIn(username: string, password: string): Promise<number> {
  const client = new CookieClient(server.control);
  const form = await (await client.request('/devportal/login')).text();
  return (await client.postForm('/devportal/login', { csrf: hiddenField(form, 'csrf'), username, password })).status;
}

describe('P12 usernames are case-insensitive', () => {
  it('self sign-up as ADMIN or Admin is refused (409): admin exists', async () => {
    for (const username of ['ADMIN', 'Admin']) {
      const res = await signUp(username);
      expect(res.status, username).toBe(409);
      expect(await res.text()).toContain('already exists');
    }
    // Full-width letters are refused by the username rule itself, never created beside admin.
    expect((await signUp('Ａｄｍｉｎ')).status).toBe(400);
    expect(await server.services.users.list({ limit: 100, offset: 0 }).then((p) => p.items.filter((u) => u.username.toLowerCase() === 'admin').length)).toBe(1);
  });

  it('REST user creation: Carol after carol → 409', async () => {
    const token = await postForm(
      `${server.control}/oauth2/token`,
      { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD, scope: 'apim:admin' },
      { authorization: await registerClient(server, 'admin', ADMIN_PASSWORD).then((c) => basic(c.clientId, c.clientSecret)) },
    );
    const admin = new RestClient(server, { authorization: `Bearer ${token.body.access_token}` }, ADMIN);
    expect((await admin.post('/users', { username: 'carol', password: PASSWORD, roles: ['subscriber'] })).status).toBe(201);
    expect((await admin.post('/users', { username: 'Carol', password: PASSWORD, roles: ['subscriber'] })).status).toBe(409);
  });

  it('sign-in in any case finds the one account: portal, password grant, client registration Basic auth', async () => {
    expect((await signUp('Dave.Smith')).status).toBe(303);
    expect(await signIn('dave.smith', PASSWORD)).toBe(303);
    expect(await signIn('DAVE.SMITH', PASSWORD)).toBe(303);
    expect(await signIn('ｄａｖｅ.ｓｍｉｔｈ', PASSWORD)).toBe(303);
    const client = await registerClient(server, 'DAVE.smith', PASSWORD);
    const token = await postForm(
      `${server.control}/oauth2/token`,
      { grant_type: 'password', username: 'dave.SMITH', password: PASSWORD, scope: 'apim:subscribe' },
      { authorization: basic(client.clientId, client.clientSecret) },
    );
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('apim:subscribe');
    expect(await signIn('DAVE.SMITH', 'wrong password')).toBe(401);
  });
});

describe('P12 migration 0004 keeps existing look-alike accounts working', () => {
  it('admin and ADMIN created before the migration are still found by their exact names; other spellings find the older; no third look-alike', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-p12-')), 'store.db');
    // An installation from before 0004, with two accounts that differ only in case.
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
    const before = Object.fromEntries(Object.entries(sqliteMigrations).filter(([name]) => name < '0004'));
    const migrator = new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableName: 'gatehouse_migrations', migrationLockTableName: 'gatehouse_migrations_lock' });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const hash = await hashPassword(PASSWORD);
    for (const [id, username, createdAt] of [['u-old', 'admin', 1], ['u-new', 'ADMIN', 2]] as const) {
      await db.insertInto('users' as never).values({ id, username, password_hash: hash, roles: '["admin"]', disabled: 0, created_at: createdAt } as never).execute();
    }
    await db.destroy();
    const store = openSqliteStore({ path, synchronous: 'NORMAL' });
    await store.migrate();
    try {
      expect((await store.users.findByUsername('admin'))?.id).toBe('u-old');
      expect((await store.users.findByUsername('ADMIN'))?.id).toBe('u-new');
      expect((await store.users.findByUsername('Admin'))?.id).toBe('u-old');
      await expect(store.users.create({ id: 'u-third', username: 'aDmIn', passwordHash: hash, roles: ['subscriber'], disabled: false, createdAt: 3 })).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});

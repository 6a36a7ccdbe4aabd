import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect, sql } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { addStoreSettings } from '../../src/store/kysely/settings-repo.ts';
import { GatewayState } from '../../src/gateway/state.ts';
import { buildServices } from '../../src/runtime/services.ts';
import { SnapshotWriter, readSnapshot } from '../../src/runtime/snapshot-file.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/ports.ts';
import { anAppWithKeys } from '../support/fixtures.ts';

const silent = pino({ level: 'silent' });
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const opened: Store[] = [];

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function freshStore(): Promise<{ store: Store; path: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-hashing-')), 'gatehouse.db');
  const store = await openStore({ url: `sqlite:${path}`, sqliteSynchronous: 'NORMAL' });
  opened.push(store);
  await store.migrate();
  return { store, path };
}

const configWith = (path: string, env: Record<string, string> = {}) => loadConfig({ env: { GATEHOUSE_STORE: `sqlite:${path}`, ...env } });

/** The hash stored for the consumer secret of a new application's keys, and the secret. */
async function storedSecret(store: Store, path: string, secrets: string[], env: Record<string, string> = {}) {
  const services = await buildServices(configWith(path, env), silent, store, secrets);
  await services.policies.seedDefaults();
  const app = await anAppWithKeys(services, { tokenType: 'OAUTH' });
  const db = new BetterSqlite3(path, { readonly: true });
  const row = db.prepare('select hash from client_secrets where consumer_key = ?').get(app.client.consumerKey) as { hash: string };
  db.close();
  return { services, app, stored: row.hash };
}

describe('credential hashes are peppered by default (issue 12)', () => {
  it('S01 a new store derives its pepper from the system secret: the database alone does not identify a credential, and the store records which pepper', async () => {
    const { store, path } = await freshStore();
    const { services, app, stored } = await storedSecret(store, path, ['system-secret-one']);
    expect(services.hashing).toEqual({ scheme: 'peppered-sha256', pepper: 'system-secret', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(stored).not.toBe(sha256(app.secret));
    expect(stored).toBe(services.hasher.hash(app.secret));
    // The secret authenticates through the service (the hash the token endpoint computes is the stored one).
    expect(await services.clients.authenticate(app.client.consumerKey, app.secret)).not.toBeNull();
    // scan --check sends only the SHA-256: the server still finds it.
    expect(await services.leaks.checkBySha256([{ sha256: sha256(app.secret), type: 'consumerSecret' }])).toEqual([{ sha256: sha256(app.secret), status: 'live' }]);
    expect(services.leaks.hashScheme).toBe('peppered-sha256');
  });

  it('rotating the system secret keeps credentials valid while the old one is listed; without it the process refuses to start', async () => {
    const { store, path } = await freshStore();
    const { app } = await storedSecret(store, path, ['old-secret']);
    const rotated = await buildServices(configWith(path), silent, store, ['new-secret', 'old-secret']);
    expect(await rotated.clients.authenticate(app.client.consumerKey, app.secret)).not.toBeNull();
    const error = await buildServices(configWith(path), silent, store, ['new-secret']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/pepper derived from a system secret .* not among the configured secrets/);
    expect((error as Error).message).not.toContain('new-secret');
  });

  it('GATEHOUSE_TOKEN_PEPPER, when set on a new store, is the pepper; the store then needs it, unchanged', async () => {
    const { store, path } = await freshStore();
    const pepper = { GATEHOUSE_TOKEN_PEPPER: 'a-configured-pepper-of-at-least-32-characters' };
    const { services, app, stored } = await storedSecret(store, path, ['s'], pepper);
    expect(services.hashing).toMatchObject({ scheme: 'peppered-sha256', pepper: 'configured' });
    expect(stored).not.toBe(sha256(app.secret));
    expect(await (await buildServices(configWith(path, pepper), silent, store, ['other'])).clients.authenticate(app.client.consumerKey, app.secret)).not.toBeNull();
    await expect(buildServices(configWith(path), silent, store, ['s'])).rejects.toThrow(/GATEHOUSE_TOKEN_PEPPER .* not set or differs/);
    await expect(buildServices(configWith(path, { GATEHOUSE_TOKEN_PEPPER: 'another-pepper-of-at-least-32-characters!!' }), silent, store, ['s'])).rejects.toThrow(ConfigError);
  });

  it('a store that held credentials before migration 0008 keeps its hashes: plain SHA-256, or HMAC under the pepper it was configured with', async () => {
    for (const env of [{}, { GATEHOUSE_TOKEN_PEPPER: 'a-configured-pepper-of-at-least-32-characters' }] as Array<Record<string, string>>) {
      const { store, path } = await freshStore();
      // The store as an earlier version left it: credentials, and no record of how they were hashed.
      const { app } = await storedSecret(store, path, ['s'], env);
      const db = new BetterSqlite3(path);
      db.prepare('drop table store_settings').run();
      db.prepare("delete from gatehouse_migrations where name = '0008_store_settings'").run();
      const legacyHash = 'GATEHOUSE_TOKEN_PEPPER' in env ? null : sha256(app.secret);
      if (legacyHash) db.prepare('update client_secrets set hash = ? where consumer_key = ?').run(legacyHash, app.client.consumerKey);
      db.close();
      expect((await store.migrate()).applied).toEqual(['0008_store_settings']);

      const services = await buildServices(configWith(path, env), silent, store, ['s']);
      expect(services.hashing).toEqual({ scheme: 'legacy' });
      expect(services.hasher.scheme).toBe('GATEHOUSE_TOKEN_PEPPER' in env ? 'hmac-sha256' : 'sha256');
      if (legacyHash) expect(await services.clients.authenticate(app.client.consumerKey, app.secret)).not.toBeNull();
      // An HMAC of the credential itself cannot be checked from a SHA-256.
      const checked = await services.leaks.checkBySha256([{ sha256: sha256(app.secret), type: 'consumerSecret' }]);
      expect(checked[0]!.status).toBe(legacyHash ? 'live' : 'unverifiable');
    }
  });

  it('migration 0008 records nothing for a store without credentials: its first start chooses the pepper', async () => {
    // The credential tables as 0001–0007 leave them, reduced to what the migration reads.
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
    for (const table of ['client_secrets', 'access_tokens', 'refresh_tokens', 'authorization_codes', 'api_keys', 'sessions']) await sql`create table ${sql.table(table)} (hash text)`.execute(db);
    await addStoreSettings(db);
    expect((await sql<{ n: number }>`select count(*) as n from store_settings`.execute(db)).rows[0]!.n).toBe(0);
    await sql`insert into api_keys values ('x')`.execute(db);
    await sql`drop table store_settings`.execute(db);
    await addStoreSettings(db);
    expect((await sql<{ value: string }>`select value from store_settings where name = 'credential_hashing'`.execute(db)).rows[0]!.value).toBe('{"scheme":"legacy"}');
    await db.destroy();
  });

  it("a gateway's snapshot carries the store's hashing record; one written before it existed reads as legacy", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-snapshot-'));
    const hashing = { scheme: 'peppered-sha256', pepper: 'system-secret', fingerprint: '0123456789abcdef' } as const;
    const state = new GatewayState();
    await new SnapshotWriter({ path: join(dir, 'new.json'), state: () => state, hashing, log: silent, now: () => 0 }).write();
    expect((await readSnapshot(join(dir, 'new.json')))!.hashing).toEqual(hashing);
    const { hashing: _dropped, ...older } = JSON.parse(readFileSync(join(dir, 'new.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'old.json'), JSON.stringify(older));
    expect((await readSnapshot(join(dir, 'old.json')))!.hashing).toEqual({ scheme: 'legacy' });
  });
});

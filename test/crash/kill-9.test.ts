import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { buildServices } from '../../src/runtime/services.ts';
import { openStore } from '../../src/store/open-store.ts';
import { anAppWithKeys, PASSWORD, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { killHard, spawnServer, type ServerProcess } from '../support/process.ts';
import { items, RestClient, restToken } from '../support/rest.ts';

/** K01/K02: what a client saw acknowledged survives `kill -9` of the server; K03: a change cut short is all or nothing. */

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-kill9-'));
const env = {
  GATEHOUSE_STORE: `sqlite:${join(dataDir, 'gatehouse.db')}`,
  GATEHOUSE_DATA_DIR: dataDir,
  GATEHOUSE_CONTROL_PORT: '0',
  GATEHOUSE_GATEWAY_PORT: '0',
  GATEHOUSE_ROLE: 'control',
  GATEHOUSE_ADMIN_PASSWORD: 'admin-password-kill9',
  GATEHOUSE_SECRETS: 'kill9-system-secret-0123456789abcdefghijklmn',
  // Port 0 gives each restart a new port; JWTs name a fixed issuer, as a real deployment would.
  GATEHOUSE_ISSUER: 'https://gatehouse.kill9.test',
};
let apps: AppWithKeys[] = [];
/** How the store hashes credentials (the default: a pepper derived from the system secret). */
let hashOf: (value: string) => string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  // Keys are created straight in the store before the server process starts.
  const config = loadConfig({ env });
  const store = await openStore({ url: config.store, sqliteSynchronous: config.sqliteSynchronous });
  await store.migrate();
  const services = await buildServices(config, pino({ level: 'silent' }), store, [...config.secrets!]);
  await services.policies.seedDefaults();
  await services.keyRing.ensureLoaded();
  // What a first start does before any other user exists: K03 introspects as this admin.
  await services.users.bootstrapAdmin(env.GATEHOUSE_ADMIN_PASSWORD);
  apps = [await anAppWithKeys(services, { tokenType: 'OAUTH' }), await anAppWithKeys(services, { tokenType: 'JWT' })];
  hashOf = (value) => services.hasher.hash(value);
  await store.close();
});
// Every test ends with no server running, so the next one never shares the SQLite file with a leftover.
afterEach(async () => {
  if (server) await killHard(server);
  server = undefined;
});

const auth = (app: AppWithKeys) => ({ authorization: basic(app.client.consumerKey, app.secret) });

/** Runs `work` from 4 parallel loops until the deadline; returns what each call acknowledged. */
/**
 * Four clients send `work` until the server is gone (or 60 s pass). The server is killed once
 * `killAfter` writes have been acknowledged (plus a random few milliseconds), so the kill lands among
 * writes in flight however slow the machine is: a count, not a clock, decides when.
 */
async function hammerUntilKilled<T>(killAfter: number, work: (i: number) => Promise<T | null>): Promise<T[]> {
  const acknowledged: T[] = [];
  let counter = 0;
  const deadline = Date.now() + 60_000;
  const killer = (async () => {
    while (acknowledged.length < killAfter && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, Math.random() * 20));
    await killHard(server!);
  })();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < deadline) {
        try {
          const result = await work(counter++);
          if (result !== null) acknowledged.push(result);
        } catch {
          return; // the server is gone
        }
      }
    }),
  );
  await killer;
  return acknowledged;
}

describe('crash safety', () => {
  it('K01 every token whose 200 reached the client is active after kill -9 and restart; the database is intact', { timeout: 120_000 }, async () => {
    server = await spawnServer(env);
    const control = server.urls.control!;
    const issued = await hammerUntilKilled(20 + Math.floor(Math.random() * 30), async (i) => {
      const app = apps[i % 2]!;
      const res = await postForm(`${control}/oauth2/token`, { grant_type: 'client_credentials' }, auth(app));
      return res.status === 200 ? { app, token: String(res.body.access_token) } : null;
    });
    expect(issued.length).toBeGreaterThanOrEqual(20);

    server = await spawnServer(env);
    for (const { app, token } of issued) {
      const res = await postForm(`${server.urls.control}/oauth2/introspect`, { token }, auth(app));
      expect(res.body.active).toBe(true);
    }
    await killHard(server);
    const db = new BetterSqlite3(join(dataDir, 'gatehouse.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('K02 every revocation acknowledged with 200 is still in force after kill -9 and restart', { timeout: 120_000 }, async () => {
    server = await spawnServer(env);
    let control = server.urls.control!;
    const tokens: Array<{ app: AppWithKeys; token: string }> = [];
    for (let i = 0; i < 300; i++) {
      const app = apps[i % 2]!;
      const res = await postForm(`${control}/oauth2/token`, { grant_type: 'client_credentials' }, auth(app));
      expect(res.status).toBe(200);
      tokens.push({ app, token: String(res.body.access_token) });
    }
    const revoked = await hammerUntilKilled(10 + Math.floor(Math.random() * 50), async (i) => {
      const entry = tokens[i];
      if (!entry) return null;
      const res = await postForm(`${control}/oauth2/revoke`, { token: entry.token }, auth(entry.app));
      return res.status === 200 ? entry : null;
    });
    expect(revoked.length).toBeGreaterThanOrEqual(10);

    server = await spawnServer(env);
    control = server.urls.control!;
    for (const { app, token } of revoked) {
      expect((await postForm(`${control}/oauth2/introspect`, { token }, auth(app))).body).toEqual({ active: false });
    }
  });

  it('K03 kill -9 during secret regenerations: after restart one secret, no earlier one works, and tokens from before stay revoked', { timeout: 120_000 }, async () => {
    const app = apps[1]!;
    server = await spawnServer(env);
    let control = server.urls.control!;
    const devportal = new RestClient({ control }, { authorization: `Bearer ${await restToken({ control }, app.user.username, PASSWORD)}` });
    const keys = await devportal.get(`/applications/${app.application.id}/oauth-keys`);
    const mapping = String(items(keys.body.list)[0]!.keyMappingId);
    const before = await postForm(`${control}/oauth2/token`, { grant_type: 'client_credentials' }, auth(app));
    expect(before.status).toBe(200);

    // One client, so the acknowledged secrets are in commit order.
    const killAfter = 3 + Math.floor(Math.random() * 10);
    const acknowledged: string[] = [];
    const killer = (async () => {
      const deadline = Date.now() + 60_000;
      while (acknowledged.length < killAfter && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      await killHard(server!);
    })();
    for (let i = 0; i < 10_000; i++) {
      try {
        const res = await devportal.post(`/applications/${app.application.id}/oauth-keys/${mapping}/regenerate-secret`);
        if (res.status === 200) acknowledged.push(String(res.body.consumerSecret));
      } catch {
        break; // the server is gone
      }
    }
    await killer;
    expect(acknowledged.length).toBeGreaterThanOrEqual(3);

    // Exactly one secret row: the last acknowledged one, or one in flight whose commit landed before the kill.
    const db = new BetterSqlite3(join(dataDir, 'gatehouse.db'), { readonly: true });
    const rows = db.prepare('select hash from client_secrets where consumer_key = ?').all(app.client.consumerKey) as Array<{ hash: string }>;
    db.close();
    expect(rows).toHaveLength(1);
    const stored = rows[0]!.hash;
    expect([app.secret, ...acknowledged.slice(0, -1)].map(hashOf)).not.toContain(stored);
    const last = acknowledged.at(-1)!;
    const lastCommittedLast = stored === hashOf(last);

    server = await spawnServer(env);
    control = server.urls.control!;
    const tokenWith = (secret: string) => postForm(`${control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.client.consumerKey, secret) });
    // A few earlier secrets (client authentication backs off after 50 failures a minute): all refused.
    for (const old of [app.secret, ...acknowledged.slice(-4, -1)]) expect((await tokenWith(old)).status).toBe(401);
    // The last acknowledged secret works exactly when it is the stored one; otherwise a regeneration in
    // flight at the kill committed, and its (never seen) secret replaced it.
    expect((await tokenWith(last)).status).toBe(lastCommittedLast ? 200 : 401);
    // The token from before the first regeneration is revoked either way (asked as the admin, who may introspect any token).
    const introspected = await postForm(`${control}/oauth2/introspect`, { token: String(before.body.access_token) }, { authorization: basic('admin', env.GATEHOUSE_ADMIN_PASSWORD) });
    expect(introspected.status).toBe(200);
    expect(introspected.body).toEqual({ active: false });
  });
});

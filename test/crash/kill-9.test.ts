import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { buildServices } from '../../src/runtime/services.ts';
import { openStore } from '../../src/store/open-store.ts';
import { anAppWithKeys, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { killHard, spawnServer, type ServerProcess } from '../support/process.ts';

/** K01/K02: what a client saw acknowledged survives `kill -9` of the server. */

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
let server: ServerProcess | undefined;

beforeAll(async () => {
  // Keys are created straight in the store before the server process starts.
  const config = loadConfig({ env });
  const store = await openStore({ url: config.store, sqliteSynchronous: config.sqliteSynchronous });
  await store.migrate();
  const services = buildServices(config, pino({ level: 'silent' }), store, [...config.secrets!]);
  await services.policies.seedDefaults();
  await services.keyRing.ensureLoaded();
  apps = [await anAppWithKeys(services, { tokenType: 'OAUTH' }), await anAppWithKeys(services, { tokenType: 'JWT' })];
  await store.close();
});
afterAll(async () => {
  if (server) await killHard(server);
});

const auth = (app: AppWithKeys) => ({ authorization: basic(app.client.consumerKey, app.secret) });

/** Runs `work` from 4 parallel loops until the deadline; returns what each call acknowledged. */
async function hammer<T>(deadline: number, work: (i: number) => Promise<T | null>): Promise<T[]> {
  const acknowledged: T[] = [];
  let counter = 0;
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
  return acknowledged;
}

describe('crash safety', () => {
  it('K01 every token whose 200 reached the client is active after kill -9 and restart; the database is intact', async () => {
    server = await spawnServer(env);
    const control = server.urls.control!;
    const killAt = Date.now() + 800 + Math.random() * 700;
    const killer = new Promise<void>((resolve) => setTimeout(() => void killHard(server!).then(resolve), killAt - Date.now()));
    const issued = await hammer(killAt + 2000, async (i) => {
      const app = apps[i % 2]!;
      const res = await postForm(`${control}/oauth2/token`, { grant_type: 'client_credentials' }, auth(app));
      return res.status === 200 ? { app, token: String(res.body.access_token) } : null;
    });
    await killer;
    expect(issued.length).toBeGreaterThan(10);

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

  it('K02 every revocation acknowledged with 200 is still in force after kill -9 and restart', async () => {
    server = await spawnServer(env);
    let control = server.urls.control!;
    const tokens: Array<{ app: AppWithKeys; token: string }> = [];
    for (let i = 0; i < 300; i++) {
      const app = apps[i % 2]!;
      const res = await postForm(`${control}/oauth2/token`, { grant_type: 'client_credentials' }, auth(app));
      tokens.push({ app, token: String(res.body.access_token) });
    }
    const killAt = Date.now() + 300 + Math.random() * 500;
    const killer = new Promise<void>((resolve) => setTimeout(() => void killHard(server!).then(resolve), killAt - Date.now()));
    const revoked = await hammer(killAt + 2000, async (i) => {
      const entry = tokens[i];
      if (!entry) return null;
      const res = await postForm(`${control}/oauth2/revoke`, { token: entry.token }, auth(entry.app));
      return res.status === 200 ? entry : null;
    });
    await killer;
    expect(revoked.length).toBeGreaterThan(5);

    server = await spawnServer(env);
    control = server.urls.control!;
    for (const { app, token } of revoked) {
      expect((await postForm(`${control}/oauth2/introspect`, { token }, auth(app))).body).toEqual({ active: false });
    }
  });
});

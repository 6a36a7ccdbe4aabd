import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { buildServices } from '../../src/runtime/services.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { aPublishedApi, anAppWithKeys, subscribe, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { sample } from '../support/metrics.ts';
import { killHard, spawnServer, type ServerProcess } from '../support/process.ts';

/** `--workers 2`: two gateway processes on one port, fed over IPC; a revocation reaches both before the call returns. */

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-workers-'));
const env = {
  GATEHOUSE_STORE: `sqlite:${join(dataDir, 'gatehouse.db')}`,
  GATEHOUSE_DATA_DIR: dataDir,
  GATEHOUSE_CONTROL_PORT: '0',
  GATEHOUSE_GATEWAY_PORT: '0',
  GATEHOUSE_ADMIN_PASSWORD: 'admin-password-workers',
  GATEHOUSE_SECRETS: 'workers-system-secret-0123456789abcdefghijkl',
  GATEHOUSE_ISSUER: 'https://gatehouse.workers.test',
};
let backend: TestBackend;
let server: ServerProcess;
let app: AppWithKeys;
let base: string;

beforeAll(async () => {
  backend = await startBackend();
  const config = loadConfig({ env });
  const store = await openStore({ url: config.store, sqliteSynchronous: config.sqliteSynchronous });
  await store.migrate();
  const services = await buildServices(config, pino({ level: 'silent' }), store, [...config.secrets!]);
  await services.policies.seedDefaults();
  await services.keyRing.ensureLoaded();
  const api = await aPublishedApi(services, { productionUrl: backend.url });
  app = await anAppWithKeys(services, { tokenType: 'OAUTH' });
  await subscribe(services, app, api);
  await store.close();
  server = await spawnServer(env, ['--workers', '2'], ['control', 'gateway']);
  base = `${server.urls.gateway}${api.context}/${api.version}`;
});
afterAll(async () => {
  if (server) await killHard(server);
  await backend?.close();
});

describe('gateway workers', () => {
  it('serves through both workers, and a revoked token is refused by whichever worker answers next', async () => {
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    for (let round = 0; round < 5; round++) {
      const token = String((await postForm(`${server.urls.control}/oauth2/token`, { grant_type: 'client_credentials' }, auth)).body.access_token);
      const ok = await Promise.all(Array.from({ length: 8 }, () => fetch(`${base}/items/1`, { headers: { authorization: `Bearer ${token}` } })));
      expect(ok.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect((await postForm(`${server.urls.control}/oauth2/revoke`, { token }, auth)).status).toBe(200);
      const refused = await Promise.all(Array.from({ length: 8 }, () => fetch(`${base}/items/1`, { headers: { authorization: `Bearer ${token}` } })));
      expect(refused.map((r) => r.status)).toEqual(Array(8).fill(401));
    }
  });

  it('shows every worker\'s requests in /metrics, whichever worker answers the scrape', async () => {
    const series = 'gatehouse_gateway_http_requests_total{route="/*",method="GET",status="200"}';
    const scrape = async () => sample(await (await fetch(`${server.urls.gateway}/metrics`)).text(), series) ?? 0;
    const before = await scrape();
    const token = String((await postForm(`${server.urls.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.client.consumerKey, app.secret) })).body.access_token);
    // Sequential requests over fresh connections: the primary hands them to the workers in turn.
    for (let i = 0; i < 12; i++) expect((await fetch(`${base}/items/1`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect(await scrape()).toBe(before + 12);
  });
});

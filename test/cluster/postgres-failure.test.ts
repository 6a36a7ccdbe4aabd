import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { clusterEnv, clusterWithOneApp, spawnControlAndGateway } from '../support/cluster.ts';
import type { AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { killHard, spawnServer, type ServerProcess } from '../support/process.ts';
import { announceSkip, postgresUrl, redisUrl } from '../support/services.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

/**
 * PostgreSQL unreachable (cut at a TCP proxy): gateways serve what they verified until the staleness
 * bound, then fail closed (503) and report not ready; recovery by itself. A gateway started while the
 * store is unreachable starts from its last-known-good snapshot (issue 11 §5).
 */

const pg = postgresUrl;
const redis = redisUrl;
if (!pg || !redis) announceSkip('PostgreSQL failure tests', !pg ? 'GATEHOUSE_TEST_POSTGRES_URL' : 'GATEHOUSE_TEST_REDIS_URL');

describe.skipIf(!pg || !redis)('cluster: PostgreSQL failure and recovery', () => {
  let backend: TestBackend;
  let proxy: TcpProxy;
  let drop: () => Promise<void>;
  let control: ServerProcess;
  let gateway: ServerProcess;
  let app: AppWithKeys;
  let apiKey: string;
  let path: string;
  let env: Record<string, string>;
  let apiBase: string;
  const extra: ServerProcess[] = [];

  beforeAll(async () => {
    backend = await startBackend();
    const db = await clusterWithOneApp(pg!, backend.url, 'JWT');
    drop = db.drop;
    app = db.app;
    apiKey = db.apiKey;
    const direct = new URL(db.url);
    proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
    await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    env = clusterEnv(viaProxy.toString(), redis!);
    ({ control, gateway } = await spawnControlAndGateway(env));
    apiBase = db.apiBase;
    path = `${gateway.urls.gateway}${db.apiBase}/items/1`;
  });
  afterAll(async () => {
    for (const p of [control, gateway, ...extra]) if (p) await killHard(p);
    await proxy?.close();
    await backend?.close();
    await drop?.();
  });

  const issue = async () =>
    String(
      (await postForm(`${control.urls.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.client.consumerKey, app.secret) })).body
        .access_token,
    );

  it('serves verified credentials while the store is unreachable, refuses with 503 beyond the bound, then serves again', { timeout: 120_000 }, async () => {
    const token = await issue();
    expect((await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    proxy.cutOff();
    // Within the bound (2 s here) the token this gateway verified keeps working.
    expect((await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await expect.poll(async () => (await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status, { timeout: 8000, interval: 100 }).toBe(503);
    expect((await fetch(`${gateway.urls.gateway}/health/ready`)).status).toBe(503);
    expect((await fetch(`${control.urls.control}/health/ready`)).status).toBe(503);
    proxy.restore();
    await expect.poll(async () => (await fetch(`${gateway.urls.gateway}/health/ready`)).status, { timeout: 15_000, interval: 200 }).toBe(200);
    expect((await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('a gateway started while the store is unreachable starts from its snapshot: it routes, refuses what it cannot verify, and serves once the store is back', { timeout: 120_000 }, async () => {
    const token = await issue();
    proxy.cutOff();
    const started = await spawnServer({ ...env, GATEHOUSE_ROLE: 'gateway', GATEHOUSE_STALENESS_BOUND_MS: '60000' }, [], ['gateway']);
    extra.push(started);
    // Logs are written asynchronously: wait for the line.
    await expect.poll(() => started.output(), { timeout: 30_000 }).toMatch(/starting from the last-known-good snapshot/);
    const base = started.urls.gateway!;
    // Routes come from the snapshot: a known API asks for credentials, an unknown one is 404.
    expect((await fetch(`${base}${apiBase}/items/1`)).status).toBe(401);
    expect((await fetch(`${base}/nope/1.0.0/items`)).status).toBe(404);
    // A JWT's signature verifies with the snapshot's keys, but its revocation cannot be checked: 503, never a guess.
    const refused = await fetch(`${base}${apiBase}/items/1`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(503);
    proxy.restore();
    await expect.poll(async () => (await fetch(`${base}${apiBase}/items/1`, { headers: { authorization: `Bearer ${token}` } })).status, { timeout: 15_000, interval: 200 }).toBe(200);
    // An API key is looked up by its hash: the snapshot told this gateway how the store hashes (a pepper
    // derived from the system secret), so it finds the key the control plane stored.
    expect((await fetch(`${base}${apiBase}/items/1`, { headers: { apikey: apiKey } })).status).toBe(200);
  });
});

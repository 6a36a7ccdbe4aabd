import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { clusterEnv, clusterWithOneApp, spawnControlAndGateway } from '../support/cluster.ts';
import type { AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { killHard, type ServerProcess } from '../support/process.ts';
import { announceSkip, postgresUrl, redisUrl } from '../support/services.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

/** PostgreSQL unreachable (cut at a TCP proxy) → not ready and fail closed past the bound; recovery by itself. */

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
  let path: string;

  beforeAll(async () => {
    backend = await startBackend();
    const db = await clusterWithOneApp(pg!, backend.url, 'JWT');
    drop = db.drop;
    app = db.app;
    const direct = new URL(db.url);
    proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
    await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    ({ control, gateway } = await spawnControlAndGateway(clusterEnv(viaProxy.toString(), redis!)));
    path = `${gateway.urls.gateway}${db.apiBase}/items/1`;
  });
  afterAll(async () => {
    for (const p of [control, gateway]) if (p) await killHard(p);
    await proxy?.close();
    await backend?.close();
    await drop?.();
  });

  it('refuses with 503 while the store is unreachable beyond the bound, then serves again', async () => {
    const token = String(
      (await postForm(`${control.urls.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.client.consumerKey, app.secret) })).body
        .access_token,
    );
    expect((await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    proxy.cutOff();
    await expect.poll(async () => (await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status, { timeout: 8000, interval: 100 }).toBe(503);
    expect((await fetch(`${gateway.urls.gateway}/health/ready`)).status).toBe(503);
    expect((await fetch(`${control.urls.control}/health/ready`)).status).toBe(503);
    proxy.restore();
    await expect.poll(async () => (await fetch(`${gateway.urls.gateway}/health/ready`)).status, { timeout: 15_000, interval: 200 }).toBe(200);
    expect((await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

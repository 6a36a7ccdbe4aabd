import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { PrivateRedis, clusterEnv, clusterWithOneApp, freePort, spawnControlAndGateway } from '../support/cluster.ts';
import type { AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { killHard, type ServerProcess } from '../support/process.ts';
import { announceSkip, postgresUrl } from '../support/services.ts';

/**
 * K05/K06: Redis stopped during traffic → gateways fail closed (503 temporarily_unavailable) and report
 * not ready once the staleness bound passes; when Redis returns they recover by themselves, with
 * revocations made meanwhile in force (rebuilt from PostgreSQL, not from Redis).
 */

const pg = postgresUrl;
if (!pg) announceSkip('Redis failure tests (PostgreSQL + a private redis-server)', 'GATEHOUSE_TEST_POSTGRES_URL');

describe.skipIf(!pg)('cluster: Redis failure and recovery', () => {
  let backend: TestBackend;
  let redis: PrivateRedis;
  let drop: () => Promise<void>;
  let control: ServerProcess;
  let gateway: ServerProcess;
  let app: AppWithKeys;
  let path: string;

  beforeAll(async () => {
    backend = await startBackend();
    redis = new PrivateRedis(await freePort());
    await redis.start();
    const db = await clusterWithOneApp(pg!, backend.url, 'OAUTH');
    drop = db.drop;
    app = db.app;
    ({ control, gateway } = await spawnControlAndGateway(clusterEnv(db.url, redis.url)));
    path = `${gateway.urls.gateway}${db.apiBase}/items/1`;
  });
  afterAll(async () => {
    for (const p of [control, gateway]) if (p) await killHard(p);
    await redis?.stop();
    await backend?.close();
    await drop?.();
  });

  const auth = () => ({ authorization: basic(app.client.consumerKey, app.secret) });
  const issue = async () => String((await postForm(`${control.urls.control}/oauth2/token`, { grant_type: 'client_credentials' }, auth())).body.access_token);
  const call = (token: string) => fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const ready = async (base: string) => (await fetch(`${base}/health/ready`)).status;

  it('fails closed while Redis is away, then recovers by itself with the revocations made meanwhile', async () => {
    const kept = await issue();
    const doomed = await issue();
    await expect.poll(async () => (await call(kept)).status, { timeout: 3000, interval: 10 }).toBe(200);
    await expect.poll(async () => (await call(doomed)).status, { timeout: 3000, interval: 10 }).toBe(200);

    await redis.stop();
    // Within the staleness bound (2 s here) the gateway stops vouching for its state.
    await expect.poll(async () => (await call(kept)).status, { timeout: 6000, interval: 100 }).toBe(503);
    const refused = await call(kept);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ message: 'temporarily_unavailable' });
    expect(await ready(gateway.urls.gateway!)).toBe(503);
    expect(await ready(control.urls.control!)).toBe(503);

    // The control plane still works against PostgreSQL: this revocation cannot be published now.
    expect((await postForm(`${control.urls.control}/oauth2/revoke`, { token: doomed }, auth())).status).toBe(200);

    await redis.start();
    await expect.poll(() => ready(gateway.urls.gateway!), { timeout: 15_000, interval: 200 }).toBe(200);
    await expect.poll(() => ready(control.urls.control!), { timeout: 15_000, interval: 200 }).toBe(200);
    expect((await call(kept)).status).toBe(200);
    expect((await call(doomed)).status).toBe(401);
  });
});

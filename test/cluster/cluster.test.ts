import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { clusterEnv, clusterStore, percentile } from '../support/cluster.ts';
import { aPublishedApi, anAppWithKeys, subscribe, PASSWORD, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { killHard, spawnServer, type ServerProcess } from '../support/process.ts';
import { announceSkip, postgresUrl, redisUrl } from '../support/services.ts';

/**
 * Cluster mode on real PostgreSQL and Redis: one control process and two gateway processes. A token
 * works through both gateways; revoked at the control plane, both refuse it within the measured bound.
 */

const pg = postgresUrl;
const redis = redisUrl;
if (!pg || !redis) {
  announceSkip('cluster tests (PostgreSQL + Redis, several processes)', !pg ? 'GATEHOUSE_TEST_POSTGRES_URL' : 'GATEHOUSE_TEST_REDIS_URL');
}

describe.skipIf(!pg || !redis)('cluster: 1 control + 2 gateways on PostgreSQL and Redis', () => {
  let backend: TestBackend;
  let drop: () => Promise<void>;
  let control: ServerProcess;
  let gateways: ServerProcess[] = [];
  let opaque: AppWithKeys;
  let jwt: AppWithKeys;
  let limited: AppWithKeys;
  let paths: string[];
  let controlB: ServerProcess;
  let gatewayEnv: Record<string, string>;

  beforeAll(async () => {
    backend = await startBackend();
    const db = await clusterStore(pg!);
    drop = db.drop;
    const api = await aPublishedApi(db.services, { productionUrl: backend.url });
    opaque = await anAppWithKeys(db.services, { tokenType: 'OAUTH' });
    jwt = await anAppWithKeys(db.services, { tokenType: 'JWT' });
    limited = await anAppWithKeys(db.services, { tokenType: 'JWT' });
    await db.services.applications.update(limited.user.id, limited.application.id, { name: limited.application.name, throttlingPolicy: '10PerMin' });
    for (const app of [opaque, jwt, limited]) await subscribe(db.services, app, api);
    await db.store.close();
    const env = clusterEnv(db.url, redis!);
    control = await spawnServer({ ...env, GATEHOUSE_ROLE: 'control' });
    controlB = await spawnServer({ ...env, GATEHOUSE_ROLE: 'control' });
    gatewayEnv = { ...env, GATEHOUSE_ROLE: 'gateway' };
    gateways = [await spawnServer(gatewayEnv, [], ['gateway']), await spawnServer(gatewayEnv, [], ['gateway'])];
    paths = gateways.map((g) => `${g.urls.gateway}${api.context}/${api.version}/items/1`);
  });
  afterAll(async () => {
    for (const p of [control, controlB, ...gateways]) if (p) await killHard(p);
    await backend?.close();
    await drop?.();
  });

  const auth = (app: AppWithKeys) => ({ authorization: basic(app.client.consumerKey, app.secret) });
  const issue = async (app: AppWithKeys, url = control.urls.control!) =>
    String((await postForm(`${url}/oauth2/token`, { grant_type: 'client_credentials' }, auth(app))).body.access_token);
  const status = async (path: string, token: string) => (await fetch(path, { headers: { authorization: `Bearer ${token}` } })).status;

  it('a token works through both gateways; revoked at the control plane, both refuse it', async () => {
    for (const app of [opaque, jwt]) {
      const token = await issue(app);
      // An opaque token must first reach the gateways through Redis.
      for (const path of paths) await expect.poll(() => status(path, token), { timeout: 2000, interval: 5 }).toBe(200);
      expect((await postForm(`${control.urls.control}/oauth2/revoke`, { token }, auth(app))).status).toBe(200);
      for (const path of paths) await expect.poll(() => status(path, token), { timeout: 2000, interval: 2 }).toBe(401);
    }
  });

  it('revocation propagation over 100 revocations: p99 within the published bound', async () => {
    const lags: number[] = [];
    for (let i = 0; i < 100; i++) {
      const token = await issue(i % 2 ? opaque : jwt);
      for (const path of paths) await expect.poll(() => status(path, token), { timeout: 2000, interval: 2 }).toBe(200);
      await postForm(`${control.urls.control}/oauth2/revoke`, { token }, auth(i % 2 ? opaque : jwt));
      const returned = performance.now();
      const lag = await Promise.all(
        paths.map(async (path) => {
          for (let attempt = 0; attempt < 2000; attempt++) {
            if ((await status(path, token)) === 401) return performance.now() - returned;
          }
          return Number.POSITIVE_INFINITY;
        }),
      );
      lags.push(Math.max(...lag));
    }
    const p50 = percentile(lags, 50);
    const p99 = percentile(lags, 99);
    console.log(`revocation propagation to 2 gateways over ${lags.length} revocations: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    expect(p99).toBeLessThan(100);
  });

  it("a tier's limit holds across both gateways together", async () => {
    const token = await issue(limited);
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await status(paths[i % 2]!, token));
    expect(results.filter((s) => s === 200)).toHaveLength(10);
    expect(results.filter((s) => s === 429)).toHaveLength(2);
  });

  it('C06 one refresh token sent concurrently to two control nodes is accepted once cluster-wide', async () => {
    const first = await postForm(`${control.urls.control}/oauth2/token`, { grant_type: 'password', username: jwt.user.username, password: PASSWORD }, auth(jwt));
    const refresh = String(first.body.refresh_token);
    const results = await Promise.all(
      [control, controlB, control, controlB].map((node) =>
        postForm(`${node.urls.control}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: refresh }, auth(jwt)),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('a token issued on one control node and revoked on another is refused by both gateways', async () => {
    const token = await issue(opaque, control.urls.control);
    for (const path of paths) await expect.poll(() => status(path, token), { timeout: 2000, interval: 5 }).toBe(200);
    await postForm(`${controlB.urls.control}/oauth2/revoke`, { token }, auth(opaque));
    for (const path of paths) await expect.poll(() => status(path, token), { timeout: 2000, interval: 2 }).toBe(401);
  });

  it('a gateway restarted while revocations happen converges: it refuses every token revoked meanwhile', async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => issue(opaque)));
    for (const token of tokens) await expect.poll(() => status(paths[1]!, token), { timeout: 2000, interval: 5 }).toBe(200);
    await killHard(gateways[1]!);
    for (const token of tokens.slice(0, 5)) await postForm(`${control.urls.control}/oauth2/revoke`, { token }, auth(opaque));
    gateways[1] = await spawnServer(gatewayEnv, [], ['gateway']);
    const restarted = paths[1]!.replace(/^http:\/\/[^/]+/, gateways[1].urls.gateway!);
    for (const token of tokens.slice(0, 5)) expect(await status(restarted, token)).toBe(401);
    for (const token of tokens.slice(5)) expect(await status(restarted, token)).toBe(200);
    paths[1] = restarted;
  });
});


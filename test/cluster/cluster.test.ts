import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCredential } from '../../src/core/credentials.ts';
import { cryptoRandom } from '../../src/core/random.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { clusterEnv, clusterStore } from '../support/cluster.ts';
import { aPublishedApi, anAppWithKeys, subscribe, PASSWORD, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { killHard, spawnServer, type ServerProcess } from '../support/process.ts';
import { RestClient, restToken } from '../support/rest.ts';
import { announceSkip, postgresUrl, redisUrl } from '../support/services.ts';

/**
 * Cluster mode on real PostgreSQL and Redis: one control process and two gateway processes (plus a
 * second control node). Read-your-writes (issue 11 §4): a credential the control plane returned works on
 * its first call at either gateway; a revocation that returned is in force at both on the next call.
 * These tests assert behaviour; `npm run bench:scale` and `bench:cluster` measure the latencies.
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
    const api = await aPublishedApi(db.services, { productionUrl: backend.url, securityScheme: ['oauth2', 'api_key'] });
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

  const statusWithKey = async (path: string, key: string) => (await fetch(path, { headers: { apikey: key } })).status;
  const devportal = async (app: AppWithKeys) =>
    new RestClient({ control: control.urls.control! }, { authorization: `Bearer ${await restToken({ control: control.urls.control! }, app.user.username, PASSWORD)}` });

  it('0 of 500 fresh opaque tokens are refused on their first call, through either gateway', { timeout: 180_000 }, async () => {
    const refused: number[] = [];
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const n = batch * 10 + i;
          const token = await issue(opaque);
          const code = await status(paths[n % 2]!, token);
          if (code !== 200) refused.push(code);
        }),
      );
    }
    expect(refused).toEqual([]);
  });

  it('0 of 500 new API keys are refused on their first call, through either gateway', { timeout: 180_000 }, async () => {
    const client = await devportal(opaque);
    const refused: number[] = [];
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const n = batch * 10 + i;
          const res = await client.post(`/applications/${opaque.application.id}/api-keys/PRODUCTION/generate`, { validityPeriod: 3600 });
          expect(res.status).toBe(200);
          const code = await statusWithKey(paths[n % 2]!, String(res.body.apikey));
          if (code !== 200) refused.push(code);
        }),
      );
    }
    expect(refused).toEqual([]);
  });

  it('0 of 200 revoked credentials (opaque tokens, JWTs, API keys) are accepted by either gateway after the revoke returned; each revoke is confirmed', { timeout: 180_000 }, async () => {
    const client = await devportal(jwt);
    const accepted: string[] = [];
    const propagation = new Set<string | null>();
    for (let i = 0; i < 200; i++) {
      const kind = (['opaque', 'jwt', 'apikey'] as const)[i % 3]!;
      if (kind === 'apikey') {
        const key = String((await client.post(`/applications/${jwt.application.id}/api-keys/PRODUCTION/generate`, { validityPeriod: 3600 })).body.apikey);
        for (const path of paths) expect(await statusWithKey(path, key)).toBe(200);
        const res = await client.post(`/applications/${jwt.application.id}/api-keys/PRODUCTION/revoke`, { apikey: key });
        expect(res.status).toBe(200);
        propagation.add(res.headers.get('gatehouse-propagation'));
        for (const path of paths) if ((await statusWithKey(path, key)) !== 401) accepted.push(`${kind} #${i}`);
        continue;
      }
      const app = kind === 'opaque' ? opaque : jwt;
      const token = await issue(app);
      for (const path of paths) expect(await status(path, token)).toBe(200);
      const res = await postForm(`${control.urls.control}/oauth2/revoke`, { token }, auth(app));
      expect(res.status).toBe(200);
      propagation.add(res.headers.get('gatehouse-propagation'));
      for (const path of paths) if ((await status(path, token)) !== 401) accepted.push(`${kind} #${i}`);
    }
    expect(accepted).toEqual([]);
    expect([...propagation]).toEqual(['confirmed']);
  });

  it('a flood of well-formed unknown credentials from one address is refused from memory after a burst, while known ones still work', { timeout: 180_000 }, async () => {
    const known = await issue(opaque);
    expect(await status(paths[0]!, known)).toBe(200);
    const readsNow = async () => {
      const metrics = await (await fetch(`${gateways[0]!.urls.gateway}/metrics`)).text();
      return Number(/gatehouse_gateway_credential_cache\{cache="opaque",kind="reads"\} (\d+)/.exec(metrics)?.[1]);
    };
    const before = await readsNow();
    // Well-formed (right prefix, length and checksum) but unknown: each would cost a store read.
    const flood: number[] = [];
    for (let i = 0; i < 200; i++) flood.push(await status(paths[0]!, mintCredential('accessToken', cryptoRandom)));
    expect(flood.every((c) => c === 401 || c === 429)).toBe(true);
    expect(flood.filter((c) => c === 429).length).toBeGreaterThan(100);
    // The limiter refused the rest without reading: at most the burst (50) plus what refilled meanwhile.
    expect((await readsNow()) - before).toBeLessThan(120);
    // A known token is answered from the cache; a fresh one from this address is limited until the bucket refills.
    expect(await status(paths[0]!, known)).toBe(200);
    expect(await status(paths[1]!, await issue(opaque))).toBe(200);
  });

  it('a gateway with two workers confirms revocations for both: a revoked token is refused by whichever worker answers next', { timeout: 180_000 }, async () => {
    const workers = await spawnServer({ ...gatewayEnv, GATEHOUSE_WORKERS: '2' }, [], ['gateway']);
    try {
      const path = paths[0]!.replace(/^http:\/\/[^/]+/, workers.urls.gateway!);
      for (let i = 0; i < 10; i++) {
        const token = await issue(opaque);
        // Several calls, so both workers have seen (and cached) it.
        for (let call = 0; call < 4; call++) expect(await status(path, token)).toBe(200);
        const res = await postForm(`${control.urls.control}/oauth2/revoke`, { token }, auth(opaque));
        expect(res.headers.get('gatehouse-propagation')).toBe('confirmed');
        for (let call = 0; call < 4; call++) expect(await status(path, token)).toBe(401);
      }
    } finally {
      await killHard(workers);
    }
  });

  it("a tier's limit holds across both gateways together", async () => {
    // A per-minute tier counts per wall-clock minute: start well inside one, so 12 requests cannot straddle two.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
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
    // Read-your-writes: no waiting on either side of the revoke.
    for (const path of paths) expect(await status(path, token)).toBe(200);
    // (Its propagation header may name the two-worker gateway killed by an earlier test until its heartbeat
    // lapses; both live gateways must refuse either way.)
    expect((await postForm(`${controlB.urls.control}/oauth2/revoke`, { token }, auth(opaque))).status).toBe(200);
    for (const path of paths) expect(await status(path, token)).toBe(401);
  });

  it('a gateway restarted while revocations happen converges: it refuses every token revoked meanwhile', { timeout: 180_000 }, async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => issue(opaque)));
    for (const token of tokens) expect(await status(paths[1]!, token)).toBe(200);
    await killHard(gateways[1]!);
    for (const token of tokens.slice(0, 5)) await postForm(`${control.urls.control}/oauth2/revoke`, { token }, auth(opaque));
    gateways[1] = await spawnServer(gatewayEnv, [], ['gateway']);
    const restarted = paths[1]!.replace(/^http:\/\/[^/]+/, gateways[1].urls.gateway!);
    for (const token of tokens.slice(0, 5)) expect(await status(restarted, token)).toBe(401);
    for (const token of tokens.slice(5)) expect(await status(restarted, token)).toBe(200);
    paths[1] = restarted;
  });
});


/**
 * npm run bench:cluster — cluster mode on PostgreSQL + Redis (GATEHOUSE_TEST_POSTGRES_URL /
 * GATEHOUSE_TEST_REDIS_URL, defaulting to the local services): requests/s through one and through two
 * gateway processes, and the revocation propagation p50/p99 from "revoke returned" to "both refuse".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freshPostgresDatabase } from '../test/support/services.ts';
import { BENCH_KEY_SETTINGS, load, prepareStore, printTable, spawnGatehouse } from './support.ts';

const baseUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const duration = Number(process.env.BENCH_SECONDS ?? 8);
const revocations = Number(process.env.BENCH_REVOCATIONS ?? 200);
const children: ChildProcess[] = [];
const secret = 'bench-cluster-secret-0123456789abcdefghijklm';

async function backend(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'echo-backend.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve) => child.stdout!.on('data', (c: Buffer) => resolve(/backend: (\S+)/.exec(c.toString())![1]!)));
}

async function prepare(env: Record<string, string>, target: string) {
  const { store, services, adminId } = await prepareStore(env);
  const api = await services.apis.create(adminId, { name: 'Bench', context: '/bench', version: '1.0', productionUrl: target, operations: [{ target: '/items', verb: 'GET' }] });
  await services.apis.changeLifecycle(api.id, 'Publish');
  const app = await services.applications.create(adminId, { name: 'bench', tokenType: 'OAUTH' });
  await services.subscriptions.subscribe(adminId, { applicationId: app.id, apiId: api.id, throttlingPolicy: 'Unlimited' });
  const { client, secret: clientSecret } = await services.clients.generateKeys(app, 'PRODUCTION', BENCH_KEY_SETTINGS);
  await store.close();
  return { authorization: `Basic ${Buffer.from(`${client.consumerKey}:${clientSecret}`).toString('base64')}` };
}

const db = await freshPostgresDatabase(baseUrl);
try {
  const env = {
    GATEHOUSE_STORE: db.url,
    GATEHOUSE_REDIS_URL: redisUrl,
    GATEHOUSE_SECRETS: secret,
    GATEHOUSE_ISSUER: 'https://gatehouse.bench',
    GATEHOUSE_CONTROL_PORT: '0',
    GATEHOUSE_GATEWAY_PORT: '0',
    GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
  };
  const clientAuth = await prepare(env, await backend());
  const control = await spawnGatehouse({ ...env, GATEHOUSE_ROLE: 'control' });
  children.push(control.child);
  const gateways = [await spawnGatehouse({ ...env, GATEHOUSE_ROLE: 'gateway' }), await spawnGatehouse({ ...env, GATEHOUSE_ROLE: 'gateway' })];
  children.push(...gateways.map((g) => g.child));
  const issue = async () => {
    const res = await fetch(`${control.urls.control}/oauth2/token`, { method: 'POST', headers: { ...clientAuth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    return String(((await res.json()) as { access_token: string }).access_token);
  };
  const token = await issue();
  await new Promise((r) => setTimeout(r, 200));
  const headers = { authorization: `Bearer ${token}` };
  const urls = gateways.map((g) => `${g.urls.gateway}/bench/1.0/items`);

  const one = await load({ url: urls[0]!, headers, duration, connections: 50 });
  await Promise.all(urls.map((url) => autocannon({ url, headers, duration: 2, connections: 25 })));
  const both = await Promise.all(urls.map((url) => autocannon({ url, headers, duration, connections: 25 })));
  const bothRps = both.reduce((sum, r) => sum + Math.round(r.requests.average), 0);

  const lags: number[] = [];
  const status = async (url: string, t: string) => (await fetch(url, { headers: { authorization: `Bearer ${t}` } })).status;
  for (let i = 0; i < revocations; i++) {
    const t = await issue();
    for (const url of urls) for (let k = 0; k < 500 && (await status(url, t)) !== 200; k++);
    await fetch(`${control.urls.control}/oauth2/revoke`, { method: 'POST', headers: { ...clientAuth, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${t}` });
    const returned = performance.now();
    const times = await Promise.all(
      urls.map(async (url) => {
        for (let k = 0; k < 5000; k++) if ((await status(url, t)) === 401) return performance.now() - returned;
        return Number.POSITIVE_INFINITY;
      }),
    );
    lags.push(Math.max(...times));
  }
  lags.sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.ceil((p / 100) * lags.length) - 1)]!.toFixed(1);

  printTable(`Cluster mode (PostgreSQL + Redis), opaque token, ${duration} s per run, loopback, 2 cores shared by everything`, [
    { measure: 'requests/s through 1 gateway process (50 connections)', value: one.requestsPerSecond, 'p99 ms': one.p99Ms },
    { measure: 'requests/s through 2 gateway processes (25 + 25 connections)', value: bothRps, 'p99 ms': Math.max(...both.map((r) => r.latency.p99)) },
    { measure: `revocation propagation to both gateways, p50 ms (${lags.length} revocations)`, value: pct(50), 'p99 ms': '-' },
    { measure: `revocation propagation to both gateways, p99 ms (${lags.length} revocations)`, value: pct(99), 'p99 ms': '-' },
  ]);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await db.drop();
}

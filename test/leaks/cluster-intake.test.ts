import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { clusterEnv, clusterStore } from '../support/cluster.ts';
import { aPublishedApi, anAppWithKeys, subscribe } from '../support/fixtures.ts';
import { killHard, spawnServer, type ServerProcess } from '../support/process.ts';
import { announceSkip, postgresUrl, redisUrl } from '../support/services.ts';

/**
 * A signed GitHub report to one control process of a cluster (PostgreSQL + Redis, two gateway
 * processes): when the report is answered, both gateways refuse the key (confirmed revocation, issue 16 §3).
 */

const pg = postgresUrl;
const redis = redisUrl;
if (!pg || !redis) announceSkip('leak reports in cluster mode', !pg ? 'GATEHOUSE_TEST_POSTGRES_URL' : 'GATEHOUSE_TEST_REDIS_URL');

const github = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signed = (body: string, key = github.privateKey): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'github-public-key-identifier': 'k1', 'github-public-key-signature': sign('sha256', Buffer.from(body), key).toString('base64') },
  body,
});

describe.skipIf(!pg || !redis)('leak reports in cluster mode', { timeout: 180_000 }, () => {
  let backend: TestBackend;
  let drop: () => Promise<void>;
  let processes: ServerProcess[] = [];
  let paths: string[];
  let keys: string[];

  beforeAll(async () => {
    backend = await startBackend();
    const db = await clusterStore(pg!);
    drop = db.drop;
    const api = await aPublishedApi(db.services, { productionUrl: backend.url, securityScheme: ['oauth2', 'api_key'] });
    const app = await anAppWithKeys(db.services);
    await subscribe(db.services, app, api);
    keys = [];
    for (let i = 0; i < 2; i++) keys.push((await db.services.apiKeys.generate(app.user.id, app.application.id, 'PRODUCTION', {})).value);
    await db.services.audit.flush();
    await db.store.close();
    const env = clusterEnv(db.url, redis!, { GATEHOUSE_LEAK_REPORT_KEYS: github.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    processes = [await spawnServer({ ...env, GATEHOUSE_ROLE: 'control' })];
    for (let i = 0; i < 2; i++) processes.push(await spawnServer({ ...env, GATEHOUSE_ROLE: 'gateway' }, [], ['gateway']));
    paths = processes.slice(1).map((g) => `${g.urls.gateway}${api.context}/${api.version}/items/1`);
  });
  afterAll(async () => {
    for (const p of processes) await killHard(p);
    await backend?.close();
    await drop?.();
  });

  const statuses = (key: string) => Promise.all(paths.map(async (path) => (await fetch(path, { headers: { apikey: key } })).status));
  const intake = () => `${processes[0]!.urls.control}/leaks/github`;

  it('a wrong signature changes nothing anywhere; a signed report revokes the key at both gateways before it is answered', async () => {
    const [leaked, other] = keys as [string, string];
    expect(await statuses(leaked)).toEqual([200, 200]);
    const body = JSON.stringify([{ token: leaked, type: 'gatehouse_api_key', url: 'https://github.com/o/r/blob/main/.env', source: 'content' }]);

    const forged = await fetch(intake(), signed(body, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
    expect(forged.status).toBe(401);
    expect(await statuses(leaked)).toEqual([200, 200]);

    const res = await fetch(intake(), signed(body));
    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ label: string }>)[0]!.label).toBe('true_positive');
    expect(res.headers.get('gatehouse-propagation')).toBe('confirmed');
    expect(await statuses(leaked)).toEqual([401, 401]);
    expect(await statuses(other)).toEqual([200, 200]);

    const replay = await fetch(intake(), signed(body));
    expect(replay.status).toBe(200);
    expect(await statuses(other)).toEqual([200, 200]);
  });
});

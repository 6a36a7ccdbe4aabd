/**
 * npm run bench:token — client_credentials issuance through the real token endpoint (autocannon on
 * loopback), JWT and opaque, beside the raw RS256 signing rate of the same key in the same run.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../src/core/secret-box.ts';
import { BENCH_KEY_SETTINGS, load, prepareStore, printTable, spawnGatehouse, tempDir } from './support.ts';

const dir = tempDir('gatehouse-bench-token-');
const env = {
  GATEHOUSE_STORE: `sqlite:${join(dir, 'gatehouse.db')}`,
  GATEHOUSE_DATA_DIR: dir,
  GATEHOUSE_ROLE: 'control',
  GATEHOUSE_CONTROL_PORT: '0',
  GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
  GATEHOUSE_SECRETS: 'bench-system-secret-0123456789abcdefghijklmn',
};
const duration = Number(process.env.BENCH_SECONDS ?? 8);

async function prepare() {
  const { store, services, adminId } = await prepareStore(env);
  const keys: Record<string, { id: string; secret: string }> = {};
  for (const tokenType of ['JWT', 'OAUTH'] as const) {
    const app = await services.applications.create(adminId, { name: `bench-${tokenType}`, tokenType });
    const { client, secret } = await services.clients.generateKeys(app, 'PRODUCTION', BENCH_KEY_SETTINGS);
    keys[tokenType] = { id: client.consumerKey, secret };
  }
  const active = (await store.signingKeys.list('access-token')).find((k) => k.status === 'active')!;
  const pem = new SecretBox([env.GATEHOUSE_SECRETS]).open(active.privateKeyEnc);
  await store.close();
  return { keys, pem };
}

function serverCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Raw signing: RS256 over a JWT-sized input with the active key, synchronously, one core. */
function rawSigningRate(pem: string, seconds: number): number {
  const key = createPrivateKey(pem);
  const input = Buffer.from('eyJhbGciOiJSUzI1NiJ9.'.padEnd(420, 'x'));
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    sign('sha256', input, key);
    n++;
  }
  return Math.round(n / seconds);
}

const { keys, pem } = await prepare();
const { child, urls } = await spawnGatehouse(env);
try {
  const rows: Array<Record<string, string | number>> = [];
  const raw = rawSigningRate(pem, Math.min(duration, 5));
  rows.push({ measure: 'raw RS256 signing (same key, 1 core, no HTTP)', 'per second': raw, 'p99 ms': '-', ratio: '100%', 'server CPU (cores)': '1.00', 'load generator CPU (cores)': '-' });
  const only = process.env.BENCH_ONLY;
  for (const tokenType of ['JWT', 'OAUTH'] as const) {
    if (only && only !== tokenType) continue;
    const { id, secret } = keys[tokenType]!;
    let cpuBefore = process.cpuUsage();
    let serverBefore = 0;
    const result = await load({
      url: `${urls.control}/oauth2/token`,
      method: 'POST',
      duration,
      connections: 32,
      headers: {
        authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    }, () => {
      cpuBefore = process.cpuUsage();
      serverBefore = serverCpuMs(child.pid!);
    });
    const client = process.cpuUsage(cpuBefore);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${tokenType}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const serverCpuSeconds = (serverCpuMs(child.pid!) - serverBefore) / 1000;
    rows.push({
      measure: tokenType === 'JWT' ? 'client_credentials → JWT (HTTP, persisted)' : 'client_credentials → opaque (HTTP, persisted)',
      'per second': result.requestsPerSecond,
      'p99 ms': result.p99Ms,
      ratio: tokenType === 'JWT' ? `${Math.round((100 * result.requestsPerSecond) / raw)}%` : '-',
      'server CPU (cores)': (serverCpuSeconds / duration).toFixed(2),
      'load generator CPU (cores)': ((client.user + client.system) / 1e6 / duration).toFixed(2),
    });
  }
  printTable(`Token issuance, ${duration} s per run, 32 connections, loopback`, rows);
} finally {
  child.kill('SIGTERM');
}

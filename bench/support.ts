import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { loadConfig } from '../src/config/load.ts';
import { buildServices, type Services } from '../src/runtime/services.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/ports.ts';

export const BIN = join(import.meta.dirname, '../bin/gatehouse.js');

/** The store a benchmark server will use, prepared with the same services the server runs: migrated, tiers seeded, admin created. */
export async function prepareStore(env: Record<string, string>): Promise<{ store: Store; services: Services; adminId: string }> {
  const config = loadConfig({ env });
  const store = await openStore({ url: config.store, sqliteSynchronous: config.sqliteSynchronous });
  await store.migrate();
  const services = await buildServices(config, pino({ level: 'silent' }), store, [...config.secrets!]);
  await services.policies.seedDefaults();
  await services.keyRing.ensureLoaded();
  await services.users.bootstrapAdmin(config.adminPassword);
  return { store, services, adminId: (await services.users.findByUsername('admin'))!.id };
}

/** Key settings for benchmark applications: client_credentials, long-lived tokens. */
export const BENCH_KEY_SETTINGS = {
  grantTypes: ['client_credentials'],
  callbackUrl: null,
  appTokenTtlSeconds: 86_400,
  userTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 86_400,
  pkceMandatory: false,
};

/**
 * A store with one published API on `backend` and a JWT, an opaque token and an API key for it (the
 * same application path for all three), ready for a gateway benchmark.
 */
export async function prepareGatewayBench(env: Record<string, string>, backend: string): Promise<Record<string, Record<string, string>>> {
  const { store, services, adminId } = await prepareStore(env);
  const api = await services.apis.create(adminId, {
    name: 'Bench',
    context: '/bench',
    version: '1.0',
    productionUrl: backend,
    scopes: [{ name: 'bench:read' }],
    // API keys carry no scopes, so the benchmarked resource requires none (all three take the same path).
    operations: [{ target: '/items', verb: 'GET' }],
  });
  await services.apis.changeLifecycle(api.id, 'Publish');
  const credentials: Record<string, Record<string, string>> = {};
  for (const tokenType of ['JWT', 'OAUTH'] as const) {
    const app = await services.applications.create(adminId, { name: `bench-${tokenType}`, tokenType });
    await services.subscriptions.subscribe(adminId, { applicationId: app.id, apiId: api.id, throttlingPolicy: 'Unlimited' });
    const { client } = await services.clients.generateKeys(app, 'PRODUCTION', BENCH_KEY_SETTINGS);
    const issued = await services.tokens.issue({ client, tokenType, user: null, scopes: ['bench:read'], grantId: services.random.uuid(), ttlSeconds: 86_400, withRefreshToken: false });
    credentials[tokenType === 'JWT' ? 'JWT' : 'opaque token'] = { authorization: `Bearer ${issued.accessToken}` };
    if (tokenType === 'JWT') {
      const key = await services.apiKeys.generate(adminId, app.id, 'PRODUCTION', { keyName: 'bench' });
      credentials['API key'] = { apikey: key.value };
    }
  }
  await store.close();
  return credentials;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Settings of a benchmark server on a fresh SQLite store in a new temporary folder (its
 * GATEHOUSE_DATA_DIR): ports picked at start, a fixed system secret, and a fixed issuer — tokens are
 * minted before the server starts, so the issuer cannot be its (random) port.
 */
export function benchServerEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  const dir = tempDir(prefix);
  return {
    GATEHOUSE_STORE: `sqlite:${join(dir, 'gatehouse.db')}`,
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_CONTROL_PORT: '0',
    GATEHOUSE_GATEWAY_PORT: '0',
    GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
    GATEHOUSE_SECRETS: 'bench-system-secret-0123456789abcdefghijklmn',
    GATEHOUSE_ISSUER: 'https://gatehouse.bench',
    ...extra,
  };
}

/**
 * Starts `gatehouse start` with the settings it ships with (info logging unless `env` says otherwise),
 * its stdout redirected to a file as an operator would, and resolves once it printed its URLs.
 */
export async function spawnGatehouse(env: Record<string, string>, args: string[] = []): Promise<{ child: ChildProcess; urls: Record<string, string>; logFile: string }> {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const logFile = join(tempDir('gatehouse-bench-log-'), 'stdout.log');
  const stdout = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...profile, BIN, 'start', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] });
  closeSync(stdout);
  const urls: Record<string, string> = {};
  const wanted = env.GATEHOUSE_ROLE === 'control' ? ['control'] : env.GATEHOUSE_ROLE === 'gateway' ? ['gateway'] : ['control', 'gateway'];
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (const started = Date.now(); !wanted.every((w) => urls[w]); await new Promise((r) => setTimeout(r, 20))) {
    const out = readFileSync(logFile, 'utf8');
    for (const m of out.matchAll(/^(control|gateway): (http\S+)$/gm)) urls[m[1]!] = m[2]!;
    if (exited !== undefined) throw new Error(`gatehouse exited with ${exited}: ${out}`);
    if (Date.now() - started > 60_000) throw new Error(`gatehouse did not start: ${out}`);
  }
  return { child, urls, logFile };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** Measures after a short warm-up (JIT, connection pools, caches), which is discarded. */
export async function load(options: autocannon.Options, onMeasure?: () => void): Promise<LoadResult> {
  await autocannon({ connections: 50, ...options, duration: Number(process.env.BENCH_WARMUP_SECONDS ?? 2) });
  onMeasure?.();
  const result = await autocannon({ connections: 50, duration: 8, ...options });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

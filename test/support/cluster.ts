import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.ts';
import { buildServices, type Services } from '../../src/runtime/services.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/ports.ts';
import { aPublishedApi, anAppWithKeys, subscribe, type AppWithKeys } from './fixtures.ts';
import { killHard, spawnServer, type ServerProcess } from './process.ts';
import { freshPostgresDatabase } from './services.ts';

export const CLUSTER_SECRET = 'cluster-system-secret-0123456789abcdefghijk';
export const CLUSTER_ISSUER = 'https://gatehouse.cluster.test';

/** A fresh PostgreSQL database with services over it, for preparing data before processes start. */
export async function clusterStore(baseUrl: string): Promise<{ url: string; store: Store; services: Services; drop: () => Promise<void> }> {
  const db = await freshPostgresDatabase(baseUrl);
  const config = loadConfig({ env: { GATEHOUSE_STORE: db.url, GATEHOUSE_SECRETS: CLUSTER_SECRET, GATEHOUSE_ISSUER: CLUSTER_ISSUER } });
  const store = await openStore({ url: db.url, sqliteSynchronous: 'NORMAL' });
  await store.migrate();
  const services = await buildServices(config, pino({ level: 'silent' }), store, [CLUSTER_SECRET]);
  await services.policies.seedDefaults();
  await services.keyRing.ensureLoaded();
  return { url: db.url, store, services, drop: db.drop };
}

/**
 * A fresh cluster database holding one published API on `backendUrl` and an application of `tokenType`
 * subscribed to it, with a production API key, closed again so the processes under test own it. `apiBase` is `/{context}/{version}`.
 */
export async function clusterWithOneApp(
  baseUrl: string,
  backendUrl: string,
  tokenType: 'JWT' | 'OAUTH',
): Promise<{ url: string; drop: () => Promise<void>; app: AppWithKeys; apiKey: string; apiBase: string }> {
  const db = await clusterStore(baseUrl);
  const api = await aPublishedApi(db.services, { productionUrl: backendUrl });
  const app = await anAppWithKeys(db.services, { tokenType });
  await subscribe(db.services, app, api);
  const { value: apiKey } = await db.services.apiKeys.generate(app.user.id, app.application.id, 'PRODUCTION', {});
  await db.store.close();
  return { url: db.url, drop: db.drop, app, apiKey, apiBase: `${api.context}/${api.version}` };
}

/** One `--role control` and one `--role gateway` process on `env`; neither is left running if the other fails to start. */
export async function spawnControlAndGateway(env: Record<string, string>): Promise<{ control: ServerProcess; gateway: ServerProcess }> {
  const control = await spawnServer({ ...env, GATEHOUSE_ROLE: 'control' });
  try {
    return { control, gateway: await spawnServer({ ...env, GATEHOUSE_ROLE: 'gateway' }, [], ['gateway']) };
  } catch (error) {
    await killHard(control);
    throw error;
  }
}

/** Settings for the processes of one cluster; they share a fresh data directory (the gateways' snapshot lives there). */
export function clusterEnv(storeUrl: string, redisUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GATEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-cluster-')),
    GATEHOUSE_STORE: storeUrl,
    GATEHOUSE_REDIS_URL: redisUrl,
    GATEHOUSE_SECRETS: CLUSTER_SECRET,
    GATEHOUSE_ISSUER: CLUSTER_ISSUER,
    GATEHOUSE_CONTROL_PORT: '0',
    GATEHOUSE_GATEWAY_PORT: '0',
    GATEHOUSE_ADMIN_PASSWORD: 'cluster-admin-password',
    GATEHOUSE_STALENESS_BOUND_MS: '2000',
    ...extra,
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A private redis-server on its own port, so a test can stop and restart it without touching others. */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** p-th percentile of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

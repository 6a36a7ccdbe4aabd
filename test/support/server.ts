import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/load.ts';
import type { Clock } from '../../src/core/clock.ts';
import type { Random } from '../../src/core/random.ts';
import { startServer, type RunningServer } from '../../src/runtime/start.ts';

/** Real time plus an adjustable offset: expiry tests move time forward without waiting. */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestServer extends RunningServer {
  clock: OffsetClock;
  config: Config;
  control: string;
  gateway: string;
  dataDir: string;
  logs: string[];
}

/** Starts a real server on loopback with free ports and a fresh SQLite store. */
export async function startTestServer(env: Record<string, string> = {}, overrides: { random?: Random } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const config = loadConfig({
    env: {
      GATEHOUSE_CONTROL_PORT: '0',
      GATEHOUSE_GATEWAY_PORT: '0',
      GATEHOUSE_STORE: `sqlite:${join(dataDir, 'gatehouse.db')}`,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      GATEHOUSE_SECRETS: 'test-system-secret-0123456789abcdefghijklmnop',
      GATEHOUSE_LOG_LEVEL: 'info',
      ...env,
    },
  });
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
  const clock = new OffsetClock();
  const server = await startServer(config, { log, overrides: { clock, ...overrides }, print: (line) => logs.push(line) });
  return { ...server, clock, config, control: server.urls.control, gateway: server.urls.gateway, dataDir, logs };
}

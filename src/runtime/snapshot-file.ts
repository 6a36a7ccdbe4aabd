import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';
import type { GatewayState, StateSnapshot } from '../gateway/state.ts';
import type { HashingRecord } from './credential-hashing.ts';

/** The file: the gateway's state, and how the store hashes credentials (a gateway must hash presented ones alike). */
export type SnapshotFile = StateSnapshot & { hashing: HashingRecord };

/** Where this gateway keeps its last-known-good snapshot; null when disabled. */
export function snapshotPath(config: Config): string | null {
  if (config.snapshotPath === 'off') return null;
  return config.snapshotPath ?? join(config.dataDir, 'gateway-snapshot.json');
}

export async function readSnapshot(path: string): Promise<SnapshotFile | null> {
  try {
    const snapshot = JSON.parse(await readFile(path, 'utf8')) as SnapshotFile;
    // Written before the store recorded its hashing: every store was hashed the legacy way then.
    return snapshot.format === 1 ? { ...snapshot, hashing: snapshot.hashing ?? { scheme: 'legacy' } } : null;
  } catch {
    return null;
  }
}

/**
 * Writes the gateway's replicated state to disk after it changes (at most once a second), atomically
 * (write then rename), so a gateway restarted while the store is unreachable starts from it (issue 11
 * §5). It holds APIs, applications, key mappings, subscriptions, tiers and public signing keys — no
 * credential, secret or private key.
 */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { path: string; state: () => GatewayState; hashing: HashingRecord; log: Logger; now: () => number; delayMs?: number }) {}

  changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }, this.deps.delayMs ?? 1000).unref();
  }

  async write(): Promise<void> {
    const { path, log } = this.deps;
    try {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      const file: SnapshotFile = { ...this.deps.state().toSnapshot(this.deps.now()), hashing: this.deps.hashing };
      await writeFile(temporary, JSON.stringify(file), { mode: 0o600 });
      await rename(temporary, path);
    } catch (error) {
      log.warn({ err: (error as Error).message, path }, 'could not write the gateway snapshot');
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
  }
}

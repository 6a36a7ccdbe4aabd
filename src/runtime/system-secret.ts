import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';

const FILE_NAME = 'system-secret';

/**
 * Where a generated system secret lives: beside the SQLite file, so the secret and the keys it
 * encrypts move (and are backed up) together whatever the working directory; under dataDir for
 * PostgreSQL or an in-memory store.
 */
export function systemSecretPath(config: Config): string {
  const sqlite = config.store.startsWith('sqlite:') ? config.store.slice('sqlite:'.length) : null;
  return join(sqlite && sqlite !== ':memory:' ? dirname(sqlite) : config.dataDir, FILE_NAME);
}

/** Where earlier versions generated it (under dataDir, ./data by default); still read if present. */
const legacySecretPath = (config: Config): string => join(config.dataDir, FILE_NAME);

/**
 * The system secrets that encrypt signing keys at rest. Production sets GATEHOUSE_SECRETS; without it
 * a development secret is generated once beside the store, with a loud warning. An installation whose
 * secret was generated under dataDir by an earlier version keeps using that file.
 */
export function resolveSystemSecrets(config: Config, log: Logger): string[] {
  if (config.secrets) return [...config.secrets];
  const path = systemSecretPath(config);
  const legacy = legacySecretPath(config);
  const chosen = existsSync(path) || !existsSync(legacy) ? path : legacy;
  if (!existsSync(chosen)) generate(chosen);
  log.warn({ path: chosen }, 'GATEHOUSE_SECRETS is not set: signing keys are encrypted with a generated development secret stored next to the data. Set GATEHOUSE_SECRETS in production.');
  return [readFileSync(chosen, 'utf8').trim()];
}

function generate(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process starting beside this one wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

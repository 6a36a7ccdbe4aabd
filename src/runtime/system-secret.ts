import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';

/**
 * The system secrets that encrypt signing keys at rest. Production sets GATEHOUSE_SECRETS; without it
 * a development secret is generated once under the data directory, with a loud warning.
 */
export function resolveSystemSecrets(config: Config, log: Logger): string[] {
  if (config.secrets) return [...config.secrets];
  const path = join(config.dataDir, 'system-secret');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  log.warn({ path }, 'GATEHOUSE_SECRETS is not set: signing keys are encrypted with a generated development secret stored next to the data. Set GATEHOUSE_SECRETS in production.');
  return [readFileSync(path, 'utf8').trim()];
}

import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { resolveSystemSecrets } from '../../src/runtime/system-secret.ts';

/** S08: a generated system secret lives beside the SQLite store, not in the working directory's ./data. */

const silent = pino({ level: 'silent' });

function layout() {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-s08-'));
  const config = loadConfig({ env: { GATEHOUSE_STORE: `sqlite:${join(root, 'store', 'gatehouse.db')}`, GATEHOUSE_DATA_DIR: join(root, 'data') } });
  return { root, config, beside: join(root, 'store', 'system-secret'), legacy: join(root, 'data', 'system-secret') };
}

describe('S08 the generated system secret', () => {
  it('is created once beside the SQLite file (mode 0600), and read again from there', () => {
    const { config, beside, legacy } = layout();
    const [first] = resolveSystemSecrets(config, silent);
    expect(existsSync(beside)).toBe(true);
    expect(existsSync(legacy)).toBe(false);
    expect(statSync(beside).mode & 0o777).toBe(0o600);
    expect(readFileSync(beside, 'utf8')).toBe(first);
    expect(first!.length).toBeGreaterThanOrEqual(43);
    expect(resolveSystemSecrets(config, silent)).toEqual([first]);
  });

  it('of an existing installation (under dataDir) keeps being used; no second secret is made', () => {
    const { config, beside, legacy } = layout();
    mkdirSync(join(legacy, '..'), { recursive: true });
    writeFileSync(legacy, 'legacy-secret-0123456789abcdefghijklmnopqrstuvwxyz\n', { mode: 0o600 });
    expect(resolveSystemSecrets(config, silent)).toEqual(['legacy-secret-0123456789abcdefghijklmnopqrstuvwxyz']);
    expect(existsSync(beside)).toBe(false);
  });

  it('is not generated when GATEHOUSE_SECRETS is set; PostgreSQL stores keep it under dataDir', () => {
    const { root, beside } = layout();
    const configured = loadConfig({ env: { GATEHOUSE_STORE: `sqlite:${join(root, 'store', 'gatehouse.db')}`, GATEHOUSE_SECRETS: 'configured-secret-0123456789abcdefghijklmnop' } });
    expect(resolveSystemSecrets(configured, silent)).toEqual(['configured-secret-0123456789abcdefghijklmnop']);
    expect(existsSync(beside)).toBe(false);
    const postgres = loadConfig({ env: { GATEHOUSE_STORE: 'postgres://db.example/gatehouse', GATEHOUSE_DATA_DIR: join(root, 'pgdata') } });
    resolveSystemSecrets(postgres, silent);
    expect(existsSync(join(root, 'pgdata', 'system-secret'))).toBe(true);
  });
});

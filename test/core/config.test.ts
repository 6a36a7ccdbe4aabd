import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/load.ts';

const file = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-config-')), 'gatehouse.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('configuration', () => {
  it("the data plane's and usage settings have their documented defaults, and out-of-range values stop start-up naming them", () => {
    expect(loadConfig({ env: {} })).toMatchObject({
      credentialCacheSize: 100_000,
      negativeCacheMs: 2000,
      unknownCredentialsPerSecond: 10,
      stalenessBoundMs: 30_000,
      usageCounting: true,
      usageRetentionDays: 35,
    });
    expect(loadConfig({ env: { GATEHOUSE_USAGE_COUNTING: 'false', GATEHOUSE_USAGE_RETENTION_DAYS: '7', GATEHOUSE_SNAPSHOT_PATH: 'off' } })).toMatchObject({
      usageCounting: false,
      usageRetentionDays: 7,
      snapshotPath: 'off',
    });
    for (const [variable, value] of [
      ['GATEHOUSE_USAGE_RETENTION_DAYS', '0'],
      ['GATEHOUSE_USAGE_COUNTING', 'sometimes'],
      ['GATEHOUSE_NEGATIVE_CACHE_MS', '600000'],
      ['GATEHOUSE_CREDENTIAL_CACHE_SIZE', '-1'],
      ['GATEHOUSE_REDIS_NAMESPACE', 'a b'],
    ]) {
      expect(() => loadConfig({ env: { [variable!]: value! } }), variable).toThrow(new RegExp(variable!));
    }
  });

  it('has the documented defaults (SPEC §1)', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      role: 'all',
      host: '127.0.0.1',
      controlPort: 9443,
      gatewayPort: 8280,
      store: 'sqlite:./data/gatehouse.db',
      applicationTokenTtlSeconds: 3600,
      userTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 86400,
      jwtAlgorithm: 'RS256',
    });
    expect(config.issuer).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('file < environment < flags', () => {
    const path = file({ controlPort: 1000, gatewayPort: 2000, host: '0.0.0.0' });
    const config = loadConfig({ file: path, env: { GATEHOUSE_CONTROL_PORT: '1001', GATEHOUSE_GATEWAY_PORT: '2001' }, flags: { gatewayPort: '2002' } });
    expect(config).toMatchObject({ host: '0.0.0.0', controlPort: 1001, gatewayPort: 2002 });
    expect(loadConfig({ env: { GATEHOUSE_CONFIG: path } }).controlPort).toBe(1000);
  });

  it('reads every SPEC §1 name', () => {
    const config = loadConfig({
      env: {
        GATEHOUSE_HOST: '0.0.0.0',
        GATEHOUSE_CONTROL_PORT: '0',
        GATEHOUSE_GATEWAY_PORT: '0',
        GATEHOUSE_STORE: 'postgres://u@h/db',
        GATEHOUSE_REDIS_URL: 'redis://127.0.0.1:6379',
        GATEHOUSE_ISSUER: 'https://auth.example.com/',
        GATEHOUSE_CONTROL_URL: 'http://control:9443',
        GATEHOUSE_ADMIN_PASSWORD: 'a-long-password',
        GATEHOUSE_TLS_CERT: '/c.pem',
        GATEHOUSE_TLS_KEY: '/k.pem',
        GATEHOUSE_ROLE: 'gateway',
      },
    });
    expect(config).toMatchObject({ issuer: 'https://auth.example.com', role: 'gateway', redisUrl: 'redis://127.0.0.1:6379', tlsKey: '/k.pem' });
  });

  it('a bad value stops start-up with a message naming the setting', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ GATEHOUSE_CONTROL_PORT: 'abc' }, /controlPort \/ GATEHOUSE_CONTROL_PORT \/ --control-port/],
      [{ GATEHOUSE_GATEWAY_PORT: '70000' }, /GATEHOUSE_GATEWAY_PORT/],
      [{ GATEHOUSE_ROLE: 'everything' }, /GATEHOUSE_ROLE/],
      [{ GATEHOUSE_STORE: 'mysql://x' }, /GATEHOUSE_STORE.*sqlite:<path> or postgres/],
      [{ GATEHOUSE_ISSUER: 'ftp://x' }, /GATEHOUSE_ISSUER/],
      [{ GATEHOUSE_SECRETS: 'short' }, /GATEHOUSE_SECRETS.*32 characters.*\(hidden\)/],
      [{ GATEHOUSE_TLS_CERT: '/c.pem' }, /set both GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig({ env })).toThrow(ConfigError);
      expect(() => loadConfig({ env })).toThrow(message);
    }
    expect(() => loadConfig({ env: {}, file: file({ controlport: 1 }) })).toThrow(/unknown setting "controlport"/);
    expect(() => loadConfig({ env: {}, file: file('{nope') })).toThrow(/cannot read config file/);
  });

  it('describes the effective settings with secrets hidden', () => {
    const rows = describeConfig(loadConfig({ env: { GATEHOUSE_ADMIN_PASSWORD: 'super-secret-pw' } }));
    expect(rows.find((r) => r.key === 'adminPassword')?.value).toBe('(set, hidden)');
    expect(JSON.stringify(rows)).not.toContain('super-secret-pw');
  });
});

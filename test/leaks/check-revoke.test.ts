import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scenario, serverAndBackend, type Scenario } from '../support/gateway.ts';
import { ADMIN, restToken } from '../support/rest.ts';
import { ADMIN_PASSWORD } from '../support/server.ts';
import { runScan } from './cli.ts';

/** `gatehouse scan --check / --revoke` against a running server: hashes only, live ones revoked, the gateway refuses them. */

const ctx = serverAndBackend();

describe('gatehouse scan --check and --revoke', { timeout: 180_000 }, () => {
  let s: Scenario;
  let dir: string;
  let live: string;
  let revoked: string;
  let adminToken: string;

  beforeAll(async () => {
    s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    live = (await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {})).value;
    const old = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    await ctx.server.services.apiKeys.revoke(s.app.user.id, s.app.application.id, 'PRODUCTION', { keyUUID: old.key.id });
    revoked = old.value;
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-check-'));
    writeFileSync(join(dir, 'deploy.sh'), `curl -H "apikey: ${live}" https://api.example.com/\n# old: ${revoked}\n# secret: ${s.app.secret}\n`);
    adminToken = await restToken(ctx.server, 'admin', ADMIN_PASSWORD, ['apim:admin']);
  });

  it('--check sends hashes only and reports which credentials are live; exit 1 when one is', async () => {
    const res = await runScan(['--check', '--server', ctx.server.control, dir], { GATEHOUSE_ADMIN_TOKEN: adminToken });
    expect(res.stderr).toContain('3 credential(s) found');
    expect(res.status).toBe(1);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/deploy\.sh:1:\d+: Gatehouse production API key gak_prod_\w{4}… \[live\]/);
    expect(lines[1]).toMatch(/\[inactive\]$/);
    expect(lines[2]).toMatch(/consumer secret gcs_\w{4}… \[live\]$/);
    expect((await s.call('/items/1', { headers: { apikey: live } })).status).toBe(200);
  });

  it('--check without an admin token: exit 2 and the server answered 401', async () => {
    const res = await runScan(['--check', '--server', ctx.server.control, dir], { GATEHOUSE_ADMIN_TOKEN: 'gat_not-a-token' });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('answered 401');
  });

  it('--revoke revokes the live ones through the server: the gateway refuses the key, the audit log has the events', async () => {
    const res = await runScan(['--revoke', '--server', ctx.server.control, '--url', 'https://paste.example.com/abc', dir], { GATEHOUSE_ADMIN_TOKEN: adminToken });
    expect(res.status).toBe(1);
    expect(res.stdout.match(/\[revoked\]/g)).toHaveLength(2);
    expect((await s.call('/items/1', { headers: { apikey: live } })).status).toBe(401);
    expect(await ctx.server.services.clients.authenticate(s.app.client.consumerKey, s.app.secret)).toBeNull();

    const again = await runScan(['--check', '--server', ctx.server.control, dir], { GATEHOUSE_ADMIN_TOKEN: adminToken });
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/\[live\]/);

    const audit = await fetch(`${ctx.server.control}${ADMIN}/audit-events?applicationId=${s.app.application.id}`, { headers: { authorization: `Bearer ${adminToken}` } });
    const body = (await audit.json()) as { list: Array<{ type: string; credentialType: string; detail: Record<string, string> }> };
    // Once each, by the admin who ran the scan (the services' own audit stays silent for these).
    expect(body.list.filter((e) => e.type === 'credential.revoked' && e.detail.reason === 'leaked').map((e) => e.credentialType).sort()).toEqual(['apiKeyProduction', 'consumerSecret']);
    expect(body.list.filter((e) => e.type === 'credential.regenerated')).toEqual([]);
    expect(body.list.find((e) => e.type === 'credential.leaked')?.detail).toEqual({ source: 'scan', url: 'https://paste.example.com/abc' });
    expect(JSON.stringify(body)).not.toContain(live);
  });
});

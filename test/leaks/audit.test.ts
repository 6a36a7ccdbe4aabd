import { hash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The security audit log (issue 16 §4): recorded at the services for every caller, shown to admins and to each application's owner. */

describe('audit log of credential events', { timeout: 120_000 }, () => {
  let server: TestServer;
  let alice: RestUser;
  let mallory: RestUser;
  let admin: RestUser;
  let appId: string;
  let keyValue: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    [alice, mallory, admin] = await Promise.all([restUser(server), restUser(server), restUser(server, ['admin'])]);
    appId = String((await alice.devportal.post('/applications', { name: 'AuditApp', throttlingPolicy: 'Unlimited' })).body.applicationId);
    const keys = await alice.devportal.post(`/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    secrets.push(String(keys.body.consumerSecret));
    const regenerated = await alice.devportal.post(`/applications/${appId}/oauth-keys/${String(keys.body.keyMappingId)}/regenerate-secret`);
    secrets.push(String(regenerated.body.consumerSecret));
    const generated = await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/generate`, { keyName: 'ci', validityPeriod: 3600 });
    keyValue = String(generated.body.apikey);
    const renewed = await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/regenerate`, { keyUUID: generated.body.keyUUID });
    expect(renewed.status).toBe(200);
    expect((await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/revoke`, { keyUUID: renewed.body.keyUUID })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the owner sees created, regenerated and revoked events with actor, source address and non-secret identifiers, never a secret', async () => {
    const res = await alice.devportal.get(`/applications/${appId}/audit-events`);
    expect(res.status).toBe(200);
    const events = (res.body.list as unknown as Array<Record<string, unknown>>).reverse();
    expect(events.map((e) => [e.type, e.credentialType])).toEqual([
      ['credential.created', 'consumerSecret'],
      ['credential.regenerated', 'consumerSecret'],
      ['credential.created', 'apiKeyProduction'],
      ['credential.regenerated', 'apiKeyProduction'],
      ['credential.revoked', 'apiKeyProduction'],
    ]);
    for (const e of events) expect(e).toMatchObject({ actor: alice.user.id, sourceIp: '127.0.0.1', applicationId: appId, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    for (const secret of [...secrets, keyValue]) expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain(hash('sha256', keyValue, 'hex'));
  });

  it("another user's application is a 404; a subscriber cannot read the admin log (403)", async () => {
    const res = await mallory.devportal.get(`/applications/${appId}/audit-events`);
    expect(res.status).toBe(404);
    expect((await mallory.devportal.get(`/applications/${appId}/leaked-credentials`)).status).toBe(404);
    const admin403 = await mallory.admin.get('/audit-events');
    expect(admin403.status).toBe(403);
    expect(admin403.body.code).toBe(900910);
  });

  it('admins see every application, filtered by application on request', async () => {
    const res = await admin.admin.get(`/audit-events?applicationId=${appId}&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    expect((res.body.pagination as unknown as { total: number }).total).toBe(5);
    expect(((await admin.admin.get('/audit-events?limit=1000')).body.pagination as unknown as { total: number }).total).toBeGreaterThanOrEqual(5);
  });

  it('access-token revocations are in the admin log: one entry per token revoked at /oauth2/revoke, one per client when its secret is regenerated; never the token', async () => {
    const app = await anAppWithKeys(server.services, { tokenType: 'OAUTH' });
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    const token = String((await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, auth)).body.access_token);
    const jti = (await server.services.store.tokens.findAccessTokenByHash(server.services.hasher.hash(token)))!.jti;
    expect((await postForm(`${server.control}/oauth2/revoke`, { token }, auth)).status).toBe(200);
    await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, auth);
    await server.services.clients.regenerateSecret(app.client);
    await expect
      .poll(async () => {
        const res = await admin.admin.get('/audit-events?limit=1000');
        expect(res.text).not.toContain(token);
        const events = res.body.list as unknown as Array<Record<string, unknown>>;
        return events.filter((e) => e.credentialId === jti || e.credentialId === app.client.consumerKey).map((e) => [e.type, e.credentialType]);
      }, { timeout: 10_000 })
      .toEqual(expect.arrayContaining([
        ['credential.revoked', 'accessToken'],
        ['credential.revoked', 'accessTokens'],
      ]));
  });
});

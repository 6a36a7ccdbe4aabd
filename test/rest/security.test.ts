import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restScopesFor } from '../../src/core/scopes.ts';
import { REST_APIS } from '../../src/portal/rest/index.ts';
import type { AnyRoute } from '../../src/portal/rest/route-table.ts';
import { basic, postForm } from '../support/http.ts';
import { DEVPORTAL, RestClient, anonymous, items, registerClient, restToken, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Security matrices over every REST route (401 without credentials, 403 without scope), and the
 * security cases P05 (IDOR → 404), P06 (mass assignment), P07 (secrets shown once) and S03 (no secrets in logs).
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const ALL_ROUTES = REST_APIS.flatMap((api) => api.routes.map((route) => ({ api, route })));

function fillPath(route: AnyRoute, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

const DUMMY = { applicationId: 'x', keyMappingId: 'x', subscriptionId: 'x', apiId: 'x', policyId: 'x', userId: 'x', keyType: 'PRODUCTION', policyLevel: 'subscription' };

describe('every route: no credentials → 401, missing scope → 403', () => {
  it('401 with the WSO2 envelope on every protected route, before any validation', async () => {
    let checked = 0;
    for (const { api, route } of ALL_ROUTES) {
      if (!('scopes' in route.access)) continue;
      const res = await anonymous(server, api.basePath).request(route.method, fillPath(route, DUMMY), route.body ? {} : undefined);
      expect(res.status, `${route.method} ${api.basePath}${route.path}`).toBe(401);
      expect(res.body.code).toBe(900902);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('403 (900910) on every protected route for a token whose scopes do not match', async () => {
    const subscriber = await restUser(server, ['subscriber']);
    const publisher = await restUser(server, ['publisher']);
    const pool = [
      { client: subscriber.devportal, scopes: restScopesFor(['subscriber']) },
      { client: publisher.devportal, scopes: restScopesFor(['publisher']) },
    ];
    let checked = 0;
    for (const { api, route } of ALL_ROUTES) {
      if (!('scopes' in route.access)) continue;
      const required = route.access.scopes;
      const outsider = pool.find((p) => !required.some((s) => p.scopes.has(s)));
      expect(outsider, `${route.method} ${route.path} has a non-matching token`).toBeDefined();
      const res = await outsider!.client.at(api.basePath).request(route.method, fillPath(route, DUMMY), route.body ? {} : undefined);
      expect(res.status, `${route.method} ${api.basePath}${route.path}`).toBe(403);
      expect(res.body.code).toBe(900910);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('P05: another user\'s objects are 404, exactly like missing ones, and stay unchanged', () => {
  let victim: RestUser;
  let attacker: RestUser;
  const ids: Record<string, string> = {};
  let victimToken: string;

  beforeAll(async () => {
    [victim, attacker] = await Promise.all([restUser(server), restUser(server)]);
    const publisher = await restUser(server, ['publisher']);
    const api = await publisher.publisher.post('/apis', {
      name: 'P05',
      context: '/p05',
      version: '1.0.0',
      endpointConfig: { production_endpoints: { url: 'http://127.0.0.1:9/' } },
      operations: [{ target: '/a', verb: 'GET' }],
      policies: ['Gold', 'Bronze'],
    });
    await publisher.publisher.post(`/apis/change-lifecycle?apiId=${api.body.id}&action=Publish`);
    ids.apiId = String(api.body.id);
    const app = await victim.devportal.post('/applications', { name: 'victim-app' });
    ids.applicationId = String(app.body.applicationId);
    const keys = await victim.devportal.post(`/applications/${ids.applicationId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    ids.keyMappingId = String(keys.body.keyMappingId);
    victimToken = String(keys.body.token.accessToken);
    const secrets = await victim.devportal.get(`/applications/${ids.applicationId}/oauth-keys/${ids.keyMappingId}/secrets`);
    ids.secretId = String(secrets.body.list[0]!.secretId);
    const sub = await victim.devportal.post('/subscriptions', { applicationId: ids.applicationId, apiId: ids.apiId, throttlingPolicy: 'Gold' });
    ids.subscriptionId = String(sub.body.subscriptionId);
    const apiKey = await victim.devportal.post(`/applications/${ids.applicationId}/api-keys/PRODUCTION/generate`, { keyName: 'victim' });
    ids.keyUUID = String(apiKey.body.keyUUID);
    ids.apikey = String(apiKey.body.apikey);
  });

  async function snapshot(): Promise<string> {
    const base = `/applications/${ids.applicationId}`;
    const parts = await Promise.all([
      victim.devportal.get(base),
      victim.devportal.get(`${base}/oauth-keys`),
      victim.devportal.get(`${base}/oauth-keys/${ids.keyMappingId}/secrets`),
      victim.devportal.get(`${base}/api-keys/PRODUCTION`),
      victim.devportal.get(`/subscriptions/${ids.subscriptionId}`),
    ]);
    return JSON.stringify(parts.map((p) => p.body));
  }

  const BODIES: Record<string, unknown> = {
    updateApplication: { name: 'pwned' },
    generateApplicationKeys: { keyType: 'SANDBOX', grantTypesToBeSupported: [] },
    updateApplicationOauthKey: { supportedGrantTypes: ['password'] },
    updateApplicationKeyByKeyType: { supportedGrantTypes: ['password'] },
    revokeConsumerSecret: { secretId: 'SECRET' },
    revokeAPIKey: { keyUUID: 'KEY' },
    regenerateAPIKey: { keyUUID: 'KEY' },
    updateSubscription: { throttlingPolicy: 'Bronze' },
    mapApplicationKeys: { consumerKey: 'attackerKey1234', consumerSecret: 'attacker-secret-of-28-chars!', keyType: 'SANDBOX' },
    associateAppAPIKey: { keyUUID: 'KEY', apiUUID: 'KEY' },
    dissociateAppAPIKey: { keyUUID: 'KEY' },
    addApplicationWebhook: { url: 'https://hooks.example.com/attacker' },
  };

  it('every devportal route that takes an application or subscription id', async () => {
    const before = await snapshot();
    const missing = await attacker.devportal.get('/applications/00000000-0000-4000-8000-000000000000');
    let checked = 0;
    for (const route of REST_APIS[0]!.routes) {
      if (!/\{(applicationId|subscriptionId)\}/.test(route.path)) continue;
      const raw = route.body ? JSON.stringify(BODIES[route.operationId] ?? {}) : undefined;
      const body = raw?.replace('SECRET', ids.secretId!).replace('KEY', ids.keyUUID!);
      const res = await attacker.devportal.request(route.method, fillPath(route, { ...ids, keyType: 'PRODUCTION' }), body === undefined ? undefined : JSON.parse(body));
      expect(res.status, `${route.method} ${route.path}`).toBe(404);
      expect(res.body.code).toBe(404);
      expect(Object.keys(res.body).sort()).toEqual(Object.keys(missing.body).sort());
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(25);
    // The attacker's own application with the victim's key ids, subscriptions filtered by the victim's application.
    const own = String((await attacker.devportal.post('/applications', { name: 'attacker-app' })).body.applicationId);
    for (const res of [
      await attacker.devportal.get(`/applications/${own}/oauth-keys/${ids.keyMappingId}`),
      await attacker.devportal.post(`/applications/${own}/oauth-keys/${ids.keyMappingId}/regenerate-secret`),
      await attacker.devportal.post(`/applications/${own}/oauth-keys/${ids.keyMappingId}/generate-token`, {}),
      await attacker.devportal.post(`/applications/${own}/api-keys/PRODUCTION/revoke`, { keyUUID: ids.keyUUID }),
      await attacker.devportal.post(`/applications/${own}/api-keys/PRODUCTION/revoke`, { apikey: ids.apikey }),
      await attacker.devportal.get(`/subscriptions?applicationId=${ids.applicationId}`),
      await attacker.devportal.post('/subscriptions', { applicationId: ids.applicationId, apiId: ids.apiId, throttlingPolicy: 'Bronze' }),
    ]) {
      expect(res.status).toBe(404);
    }
    expect(await snapshot()).toBe(before);
    expect((await server.services.tokens.resolve(victimToken))!.active).toBe(true);
  });
});

describe('P06: mass assignment never takes effect', () => {
  it('owner/status on applications, consumerKey/keyType on keys, status on subscriptions, provider/lifeCycleStatus on APIs', async () => {
    const alice = await restUser(server);
    const bob = await restUser(server);
    const app = await alice.devportal.post('/applications', { name: 'mass', owner: bob.user.username, status: 'REJECTED', tokenType: 'JWT' });
    expect(app.body).toMatchObject({ owner: alice.user.username, status: 'APPROVED' });
    const keys = await alice.devportal.post(`/applications/${app.body.applicationId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], clientId: 'mine' });
    const put = await alice.devportal.put(`/applications/${app.body.applicationId}/oauth-keys/${keys.body.keyMappingId}`, { consumerKey: 'mine', keyType: 'SANDBOX', keyMappingId: 'other', supportedGrantTypes: ['client_credentials'] });
    expect(put.body).toMatchObject({ consumerKey: keys.body.consumerKey, keyType: 'PRODUCTION', keyMappingId: keys.body.keyMappingId });
    expect((await bob.devportal.get('/applications?query=mass')).body.count).toBe(0);
  });
});

describe('P07: secrets appear once, with no-store, and never in later reads', () => {
  it('consumer secrets, tokens and API keys are absent from every read', async () => {
    const alice = await restUser(server);
    const app = await alice.devportal.post('/applications', { name: 'p07' });
    const base = `/applications/${app.body.applicationId}`;
    const keys = await alice.devportal.post(`${base}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    const extra = await alice.devportal.post(`${base}/oauth-keys/${keys.body.keyMappingId}/generate-secret`, {});
    const token = await alice.devportal.post(`${base}/oauth-keys/${keys.body.keyMappingId}/generate-token`, {});
    const regenerated = await alice.devportal.post(`${base}/keys/PRODUCTION/regenerate-secret`);
    const apiKey = await alice.devportal.post(`${base}/api-keys/PRODUCTION/generate`, {});
    for (const res of [keys, extra, token, regenerated, apiKey]) {
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    }
    const secrets = [keys.body.consumerSecret, keys.body.token.accessToken, extra.body.secretValue, token.body.accessToken, regenerated.body.consumerSecret, apiKey.body.apikey].map(String);
    const reads = await Promise.all(
      [
        '/applications',
        base,
        `${base}/oauth-keys`,
        `${base}/oauth-keys/${keys.body.keyMappingId}`,
        `${base}/oauth-keys/${keys.body.keyMappingId}/secrets`,
        `${base}/keys`,
        `${base}/keys/PRODUCTION`,
        `${base}/api-keys/PRODUCTION`,
      ].map((path) => alice.devportal.get(path)),
    );
    for (const read of reads) {
      expect(read.status).toBe(200);
      for (const secret of secrets) expect(read.text).not.toContain(secret);
      for (const secret of secrets) expect(read.text).not.toContain(secret.slice(-12));
    }
    expect(items(reads[4]!.body.list).every((s) => String(s.secretValue).endsWith('********'))).toBe(true);
  });
});

describe('S03: no secret, token or password reaches the server logs', () => {
  it('a scripted flow with sentinel values leaves none of them in the logs', async () => {
    const password = 'Sentinel-Password-7Q3v9';
    await server.services.users.create({ username: 'sentinel', password, roles: ['subscriber', 'publisher'] });
    const rest = await registerClient(server, 'sentinel', password);
    const token = await restToken(server, 'sentinel', password, ['apim:subscribe', 'apim:app_manage', 'apim:sub_manage', 'apim:api_key', 'apim:api_create']);
    const client = new RestClient(server, { authorization: `Bearer ${token}` }, DEVPORTAL);
    const app = await client.post('/applications', { name: 'sentinel-app' });
    const base = `/applications/${app.body.applicationId}`;
    const keys = await client.post(`${base}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    const appToken = await client.post(`${base}/oauth-keys/${keys.body.keyMappingId}/generate-token`, { consumerSecret: keys.body.consumerSecret, validityPeriod: -1 });
    const rotated = await client.post(`${base}/oauth-keys/${keys.body.keyMappingId}/generate-secret`, {});
    const regenerated = await client.post(`${base}/oauth-keys/${keys.body.keyMappingId}/regenerate-secret`);
    const apiKey = await client.post(`${base}/api-keys/PRODUCTION/generate`, {});
    await client.post(`${base}/api-keys/PRODUCTION/revoke`, { apikey: apiKey.body.apikey });
    await client.post(`${base}/oauth-keys/${keys.body.keyMappingId}/generate-token`, { consumerSecret: 'gcs_Sentinel-wrong-secret-xyz' });
    await client.post(`${base}/oauth-keys/${keys.body.keyMappingId}/generate-token`, { revokeToken: appToken.body.accessToken });
    await client.post('/applications', { name: 'bad', password });
    await new RestClient(server, { authorization: 'Bearer Sentinel-bogus-token-abc123' }).get('/applications');
    await new RestClient(server, { authorization: `Bearer ${token}` }).get(`/applications?access_token=${token}&secret=${password}`);
    await postForm(`${server.control}/oauth2/introspect`, { token: String(appToken.body.accessToken) }, { authorization: basic(String(keys.body.consumerKey), String(regenerated.body.consumerSecret)) });
    const { csrfToken, token: cookie } = await server.services.sessions.create((await server.services.users.findByUsername('sentinel'))!.id);
    await new RestClient(server, { cookie: `gatehouse-session=${cookie}`, 'x-csrf-token': csrfToken, origin: server.control }).post('/applications', { name: 'via-cookie' });

    const sentinels = [
      password,
      Buffer.from(`sentinel:${password}`).toString('base64'),
      rest.clientSecret,
      token,
      String(keys.body.consumerSecret),
      String(keys.body.token.accessToken),
      String(appToken.body.accessToken),
      String(rotated.body.secretValue),
      String(regenerated.body.consumerSecret),
      String(apiKey.body.apikey),
      'gcs_Sentinel-wrong-secret-xyz',
      'Sentinel-bogus-token-abc123',
      cookie,
      csrfToken,
    ];
    const logs = server.logs.join('\n');
    expect(logs).toContain('/api/am/devportal/v3/applications');
    for (const sentinel of sentinels) {
      expect(sentinel.length).toBeGreaterThan(10);
      expect(logs.includes(sentinel), `a sentinel (${sentinel.slice(0, 6)}…) is in the logs`).toBe(false);
    }
  });
});

import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, getJson, postForm } from '../support/http.ts';
import { ADMIN, DEVPORTAL, PUBLISHER, RestClient, items, restToken } from '../support/rest.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';

/**
 * The seed's whole flow through the REST APIs only, as a WSO2 script would drive it: users, client
 * registration, REST tokens, publishing a scoped API, JWT and OAUTH applications, subscriptions,
 * production and sandbox keys, tokens (incl. never-expiring), secret regeneration, API keys.
 */

let server: TestServer;
const bearer = (token: string, base: string) => new RestClient(server, { authorization: `Bearer ${token}` }, base);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

async function introspect(token: string, clientId: string, secret: string) {
  return postForm(`${server.control}/oauth2/introspect`, { token }, { authorization: basic(clientId, secret) });
}

describe('the seed flow through REST only', () => {
  it('admin → publisher → subscriber: publish, subscribe, keys, tokens, rotation, API keys', async () => {
    // 1. The admin (bootstrap account) creates a publisher and a subscriber through the admin API.
    const admin = bearer(await restToken(server, 'admin', ADMIN_PASSWORD, ['apim:admin']), ADMIN);
    for (const [username, roles] of [
      ['pat', ['publisher']],
      ['sam', ['subscriber']],
    ] as const) {
      const created = await admin.post('/users', { username, password: `${username}-password-1`, roles });
      expect(created.status).toBe(201);
      expect(created.body.username).toBe(username);
      expect(created.text).not.toContain('password');
    }

    // 2. The publisher registers a client, gets a REST token and publishes an API with a scoped resource.
    const patToken = await restToken(server, 'pat', 'pat-password-1', ['apim:api_create', 'apim:api_publish', 'apim:api_view', 'apim:subscribe']);
    const publisher = bearer(patToken, PUBLISHER);
    const api = await publisher.post('/apis', {
      name: 'PizzaShack',
      context: '/pizzashack',
      version: '1.0.0',
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9/prod' }, sandbox_endpoints: { url: 'http://127.0.0.1:9/sandbox' } },
      operations: [
        { target: '/menu', verb: 'GET', authType: 'Application & Application User', throttlingPolicy: 'Unlimited', scopes: [] },
        { target: '/order', verb: 'POST', scopes: ['order_pizza'] },
      ],
      scopes: [{ scope: { name: 'order_pizza', displayName: 'Order pizza', description: 'Place orders', bindings: ['Internal/subscriber'] }, shared: false }],
      policies: ['Gold', 'Unlimited'],
      securityScheme: ['oauth2', 'api_key'],
    });
    expect(api.status).toBe(201);
    expect(api.body.provider).toBe('pat');
    expect(api.body.scopes[0]!.scope.bindings).toEqual(['subscriber']);
    const apiId = String(api.body.id);
    const published = await publisher.post(`/apis/change-lifecycle?apiId=${apiId}&action=Publish`);
    expect(published.status).toBe(200);
    expect(published.body.lifecycleState.state).toBe('Published');

    // 3. The subscriber finds the API in the Developer Portal.
    const samToken = await restToken(server, 'sam', 'sam-password-1', ['apim:subscribe', 'apim:app_manage', 'apim:sub_manage', 'apim:api_key', 'apim:api_create']);
    const devportal = bearer(samToken, DEVPORTAL);
    expect((await bearer(samToken, PUBLISHER).get('/apis')).status).toBe(403); // role-limited: no apim:api_create for a subscriber
    const catalogue = await devportal.get('/apis');
    expect(items(catalogue.body.list).map((a) => a.id)).toContain(apiId);
    const details = await devportal.get(`/apis/${apiId}`);
    expect(items(details.body.operations).find((o) => String(o.target) === '/order')!.scopes).toEqual(['order_pizza']);
    expect(details.body.scopes).toEqual([{ key: 'order_pizza', name: 'Order pizza', roles: ['subscriber'], description: 'Place orders' }]);
    expect(items(details.body.tiers).map((t) => t.tierName)).toEqual(['Gold', 'Unlimited']);

    // 4. A JWT application and an OAUTH (opaque) application, both subscribed on the Gold tier.
    const jwtApp = await devportal.post('/applications', { name: 'PizzaApp', throttlingPolicy: 'Unlimited', description: 'JWT tokens', tokenType: 'JWT' });
    const oauthApp = await devportal.post('/applications', { name: 'OpaqueApp', throttlingPolicy: '50PerMin', tokenType: 'OAUTH' });
    expect([jwtApp.status, oauthApp.status]).toEqual([201, 201]);
    const jwtAppId = String(jwtApp.body.applicationId);
    const oauthAppId = String(oauthApp.body.applicationId);
    for (const applicationId of [jwtAppId, oauthAppId]) {
      const sub = await devportal.post('/subscriptions', { applicationId, apiId, throttlingPolicy: 'Gold' });
      expect(sub.status).toBe(201);
      expect(sub.body.throttlingPolicy).toBe('Gold');
    }

    // 5. Production and sandbox keys; the consumer key is readable later, the secret only now.
    const keyRequest = { grantTypesToBeSupported: ['client_credentials', 'password', 'refresh_token'], callbackUrl: '', scopes: ['default'], additionalProperties: { application_access_token_expiry_time: '3600', user_access_token_expiry_time: 3600, refresh_token_expiry_time: '86400', pkceMandatory: 'false' } };
    const prod = await devportal.post(`/applications/${jwtAppId}/generate-keys`, { keyType: 'PRODUCTION', ...keyRequest });
    const sandbox = await devportal.post(`/applications/${jwtAppId}/generate-keys`, { keyType: 'SANDBOX', ...keyRequest });
    const opaque = await devportal.post(`/applications/${oauthAppId}/generate-keys`, { keyType: 'PRODUCTION', ...keyRequest });
    for (const key of [prod, sandbox, opaque]) {
      expect(key.status).toBe(200);
      expect(key.headers.get('cache-control')).toBe('no-store');
      expect(String(key.body.consumerSecret)).toMatch(/^gcs_/);
      expect(String(key.body.token.accessToken)).not.toBe('');
    }
    const keyList = await devportal.get(`/applications/${jwtAppId}/oauth-keys`);
    const prodKey = items(keyList.body.list).find((k) => String(k.keyType) === 'PRODUCTION')!;
    expect(prodKey.consumerKey).toBe(prod.body.consumerKey);
    expect(keyList.text).not.toContain(String(prod.body.consumerSecret));
    const consumerKey = String(prodKey.consumerKey);
    const mappingId = String(prodKey.keyMappingId);

    // 6. Tokens with a validity period and scopes, verified against the JWKS.
    const jwks = createLocalJWKSet((await getJson(`${server.control}/oauth2/jwks`)).body as unknown as JSONWebKeySet);
    const verify = (token: string) => jwtVerify(token, jwks, { issuer: server.control, typ: 'at+jwt', algorithms: ['RS256'] });
    const timed = await devportal.post(`/applications/${jwtAppId}/oauth-keys/${mappingId}/generate-token`, {
      consumerSecret: prod.body.consumerSecret,
      validityPeriod: 600,
      scopes: ['order_pizza', 'not_defined'],
    });
    expect(timed.status).toBe(200);
    expect(timed.body.tokenScopes).toEqual(['order_pizza']);
    expect(timed.body.validityTime).toBe(600);
    const { payload, protectedHeader } = await verify(String(timed.body.accessToken));
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ iss: server.control, azp: consumerKey, client_id: consumerKey, sub: consumerKey, aud: consumerKey, scope: 'order_pizza', aut: 'APPLICATION', keytype: 'PRODUCTION' });
    expect(payload.exp! - payload.iat!).toBe(600);

    const forever = await devportal.post(`/applications/${jwtAppId}/oauth-keys/${mappingId}/generate-token`, { validityPeriod: -1, scopes: ['order_pizza'] });
    expect(forever.body.validityTime).toBe(-1);
    const neverExpires = await verify(String(forever.body.accessToken));
    expect(neverExpires.payload.exp).toBeUndefined();

    const sandboxToken = await devportal.post(`/applications/${jwtAppId}/oauth-keys/${sandbox.body.keyMappingId}/generate-token`, { validityPeriod: 300 });
    expect((await verify(String(sandboxToken.body.accessToken))).payload.keytype).toBe('SANDBOX');

    const opaqueToken = await devportal.post(`/applications/${oauthAppId}/oauth-keys/${opaque.body.keyMappingId}/generate-token`, { validityPeriod: -5, scopes: ['order_pizza'] });
    expect(String(opaqueToken.body.accessToken)).toMatch(/^gat_/);
    const opaqueInfo = await introspect(String(opaqueToken.body.accessToken), String(opaque.body.consumerKey), String(opaque.body.consumerSecret));
    expect(opaqueInfo.body).toMatchObject({ active: true, scope: 'order_pizza', client_id: opaque.body.consumerKey });
    expect(opaqueInfo.body.exp).toBeUndefined();

    // 7. Regenerating the secret revokes the key's tokens: introspection says inactive; the old secret is dead.
    const oldSecret = String(prod.body.consumerSecret);
    expect((await introspect(String(timed.body.accessToken), consumerKey, oldSecret)).body.active).toBe(true);
    const regenerated = await devportal.post(`/applications/${jwtAppId}/oauth-keys/${mappingId}/regenerate-secret`);
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.consumerKey).toBe(consumerKey);
    const newSecret = String(regenerated.body.consumerSecret);
    expect(newSecret).not.toBe(oldSecret);
    for (const token of [timed.body.accessToken, forever.body.accessToken]) {
      expect((await introspect(String(token), consumerKey, newSecret)).body).toEqual({ active: false });
    }
    expect((await introspect(String(timed.body.accessToken), consumerKey, oldSecret)).status).toBe(401);
    const fresh = await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials', scope: 'order_pizza' }, { authorization: basic(consumerKey, newSecret) });
    expect(fresh.status).toBe(200);
    expect(fresh.body.scope).toBe('order_pizza');

    // 8. An API key: generated once, listed without the key, revoked.
    const apiKey = await devportal.post(`/applications/${jwtAppId}/api-keys/PRODUCTION/generate`, { keyName: 'ci', validityPeriod: 3600, additionalProperties: { permittedIP: '10.0.0.0/8' } });
    expect(apiKey.status).toBe(200);
    expect(String(apiKey.body.apikey)).toMatch(/^gak_prod_/);
    const listed = await devportal.get(`/applications/${jwtAppId}/api-keys/PRODUCTION`);
    expect(items(listed.body.list).map((k) => k.keyUUID)).toEqual([apiKey.body.keyUUID]);
    expect(listed.text).not.toContain(String(apiKey.body.apikey));
    expect((await devportal.post(`/applications/${jwtAppId}/api-keys/PRODUCTION/revoke`, { apikey: apiKey.body.apikey })).status).toBe(200);
    expect((await devportal.get(`/applications/${jwtAppId}/api-keys/PRODUCTION`)).body.count).toBe(0);
  });
});

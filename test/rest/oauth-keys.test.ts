import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../support/http.ts';
import { items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Devportal v3 application keys: generate-keys, oauth-keys list/get/update/delete, the deprecated /keys paths. */

let server: TestServer;
let alice: RestUser;
let bob: RestUser;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([restUser(server), restUser(server)]);
});
afterAll(async () => server?.close());

async function newApp(user: RestUser = alice, body: Record<string, unknown> = {}): Promise<string> {
  const res = await user.devportal.post('/applications', { name: `app-${Math.random().toString(36).slice(2, 10)}`, ...body });
  return String(res.body.applicationId);
}

const generate = (appId: string, body: Record<string, unknown>, user: RestUser = alice) => user.devportal.post(`/applications/${appId}/generate-keys`, body);

describe('generate-keys', () => {
  it('PRODUCTION keys: consumer key and secret once, an initial token because client_credentials is enabled, WSO2 defaults', async () => {
    const appId = await newApp();
    const res = await generate(appId, { keyType: 'PRODUCTION', keyManager: 'Resident Key Manager', grantTypesToBeSupported: ['client_credentials', 'refresh_token'], callbackUrl: 'https://app.example/cb' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      keyManager: 'Resident Key Manager',
      keyState: 'COMPLETED',
      keyType: 'PRODUCTION',
      mode: 'CREATED',
      supportedGrantTypes: ['client_credentials', 'refresh_token'],
      callbackUrl: 'https://app.example/cb',
      additionalProperties: { application_access_token_expiry_time: 3600, user_access_token_expiry_time: 3600, refresh_token_expiry_time: 86400, pkceMandatory: false },
      token: { tokenScopes: ['default'], validityTime: 3600 },
    });
    expect(String(res.body.consumerSecret)).toMatch(/^gcs_/);
    const token = await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(String(res.body.consumerKey), String(res.body.consumerSecret)) });
    expect(token.status).toBe(200);
  });

  it('SANDBOX keys with validity settings as strings or numbers; no initial token without client_credentials', async () => {
    const appId = await newApp();
    const res = await generate(appId, {
      keyType: 'SANDBOX',
      grantTypesToBeSupported: ['password'],
      additionalProperties: { application_access_token_expiry_time: '-1', user_access_token_expiry_time: 900, refresh_token_expiry_time: '7200', pkceMandatory: 'true', pkceSupportPlain: false, id_token_expiry_time: 'N/A' },
    });
    expect(res.status).toBe(200);
    expect(res.body.additionalProperties).toMatchObject({ application_access_token_expiry_time: -1, user_access_token_expiry_time: 900, refresh_token_expiry_time: 7200, pkceMandatory: true });
    expect(res.body.token).toEqual({ accessToken: '', tokenScopes: ['N/A'], validityTime: 0 });
  });

  it('validityTime sets the initial token validity; a second key of the same type → 409', async () => {
    const appId = await newApp();
    const res = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: '120' });
    expect(res.body.token.validityTime).toBe(120);
    const again = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    expect(again.status).toBe(409);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['unknown key type', { keyType: 'STAGING', grantTypesToBeSupported: [] }, 'keyType'],
    ['missing grant types', { keyType: 'PRODUCTION' }, 'grantTypesToBeSupported'],
    ['unsupported grant type', { keyType: 'PRODUCTION', grantTypesToBeSupported: ['implicit'] }, 'grantTypesToBeSupported'],
    ['callback URL that is not a URL', { keyType: 'PRODUCTION', grantTypesToBeSupported: ['authorization_code'], callbackUrl: 'not a url' }, 'callbackUrl'],
    ['plain-http callback off loopback', { keyType: 'PRODUCTION', grantTypesToBeSupported: ['authorization_code'], callbackUrl: 'http://evil.example/cb' }, 'callbackUrl'],
    ['authorization_code without a callback', { keyType: 'PRODUCTION', grantTypesToBeSupported: ['authorization_code'] }, 'callbackUrl'],
    ['zero token validity', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], additionalProperties: { application_access_token_expiry_time: 0 } }, 'application_access_token_expiry_time'],
    ['non-numeric validity', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], additionalProperties: { user_access_token_expiry_time: 'soon' } }, 'user_access_token_expiry_time'],
    ['negative refresh validity', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], additionalProperties: { refresh_token_expiry_time: -5 } }, 'refresh_token_expiry_time'],
    ['unknown additional property', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], additionalProperties: { magic: 'yes' } }, 'additionalProperties.magic'],
    ['plain PKCE', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], additionalProperties: { pkceSupportPlain: 'true' } }, 'pkceSupportPlain'],
    ['pkceMandatory not a boolean', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], additionalProperties: { pkceMandatory: 'maybe' } }, 'pkceMandatory'],
    ['unknown key manager', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], keyManager: 'Okta' }, 'keyManager'],
    ['zero initial validity', { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: 0 }, 'validityTime'],
    ['unknown field', { keyType: 'PRODUCTION', grantTypesToBeSupported: [], consumerKeyPlease: 'x' }, 'consumerKeyPlease'],
  ];
  for (const [label, body, field] of invalid) {
    it(`400 naming the field, no keys created: ${label}`, async () => {
      const appId = await newApp();
      const res = await generate(appId, body);
      expect(res.status).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
      expect((await alice.devportal.get(`/applications/${appId}/oauth-keys`)).body.count).toBe(0);
    });
  }

  it('D04 a wildcard callbackUrl is refused at generate-keys and at PUT oauth-keys, naming the field; nothing changes', async () => {
    const appId = await newApp();
    const wildcard = { keyType: 'PRODUCTION', grantTypesToBeSupported: ['authorization_code'], callbackUrl: 'https://*.example.com/cb' };
    const refused = await generate(appId, wildcard);
    expect(refused.status).toBe(400);
    expect(refused.body.error[0]).toMatchObject({ message: 'callbackUrl', description: expect.stringMatching(/wildcard/) });
    expect((await alice.devportal.get(`/applications/${appId}/oauth-keys`)).body.count).toBe(0);

    const keys = await generate(appId, { ...wildcard, callbackUrl: 'https://app.example/cb' });
    const path = `/applications/${appId}/oauth-keys/${keys.body.keyMappingId}`;
    for (const callbackUrl of ['https://*.example.com/cb', 'https://app.example/*']) {
      const update = await alice.devportal.put(path, { supportedGrantTypes: ['authorization_code'], callbackUrl });
      expect(update.status).toBe(400);
      expect(update.body.error[0]).toMatchObject({ message: 'callbackUrl', description: expect.stringMatching(/wildcard/) });
    }
    expect((await alice.devportal.get(path)).body.callbackUrl).toBe('https://app.example/cb');
  });

  it('T32 key defaults above 10 years → 400 naming the property, at generate-keys and at PUT oauth-keys', async () => {
    const appId = await newApp();
    for (const property of ['application_access_token_expiry_time', 'user_access_token_expiry_time', 'refresh_token_expiry_time']) {
      const res = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], additionalProperties: { [property]: 1e11 } });
      expect(res.status, property).toBe(400);
      expect(res.body.error[0]).toMatchObject({ message: property, description: expect.stringMatching(/at most 315360000 seconds \(10 years\)/) });
    }
    expect((await alice.devportal.get(`/applications/${appId}/oauth-keys`)).body.count).toBe(0);
    const keys = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    const update = await alice.devportal.put(`/applications/${appId}/oauth-keys/${keys.body.keyMappingId}`, { additionalProperties: { application_access_token_expiry_time: 315_360_001 } });
    expect(update.status).toBe(400);
    expect(update.body.error[0]!.message).toBe('application_access_token_expiry_time');
  });

  it('clientId and clientSecret in the request are ignored: Gatehouse mints both (P06)', async () => {
    const appId = await newApp();
    const res = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], clientId: 'chosen', clientSecret: 'gcs_chosen' });
    expect(res.status).toBe(200);
    expect(res.body.consumerKey).not.toBe('chosen');
    expect(res.body.consumerSecret).not.toBe('gcs_chosen');
  });
});

describe('oauth-keys', () => {
  it('lists and gets keys without secrets; updates settings; deletes (revoking tokens)', async () => {
    const appId = await newApp();
    const prod = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    await generate(appId, { keyType: 'SANDBOX', grantTypesToBeSupported: ['client_credentials'] });
    const list = await alice.devportal.get(`/applications/${appId}/oauth-keys`);
    expect(list.body.count).toBe(2);
    expect(items(list.body.list).every((k) => k.consumerSecret === undefined && k.token === undefined)).toBe(true);
    const mapping = String(prod.body.keyMappingId);
    const one = await alice.devportal.get(`/applications/${appId}/oauth-keys/${mapping}`);
    expect(one.body).toMatchObject({ consumerKey: prod.body.consumerKey, keyType: 'PRODUCTION' });
    expect(one.body.consumerSecret).toBeUndefined();

    const updated = await alice.devportal.put(`/applications/${appId}/oauth-keys/${mapping}`, {
      ...one.body,
      supportedGrantTypes: ['client_credentials', 'authorization_code'],
      callbackUrl: 'https://app.example/callback',
      additionalProperties: { application_access_token_expiry_time: 60 },
      consumerKey: 'hijack',
      consumerSecret: 'gcs_hijack',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      consumerKey: prod.body.consumerKey,
      supportedGrantTypes: ['client_credentials', 'authorization_code'],
      callbackUrl: 'https://app.example/callback',
      additionalProperties: { application_access_token_expiry_time: 60, user_access_token_expiry_time: 3600 },
    });
    const bad = await alice.devportal.put(`/applications/${appId}/oauth-keys/${mapping}`, { supportedGrantTypes: ['bogus'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error[0]!.message).toBe('grantTypesToBeSupported');

    const token = String(prod.body.token.accessToken);
    expect((await alice.devportal.del(`/applications/${appId}/oauth-keys/${mapping}`)).status).toBe(200);
    expect((await server.services.tokens.resolve(token))!.active).toBe(false);
    expect((await alice.devportal.get(`/applications/${appId}/oauth-keys/${mapping}`)).status).toBe(404);
    expect((await alice.devportal.get(`/applications/${appId}/oauth-keys`)).body.count).toBe(1);
  });

  it("the deprecated /keys/{keyType} paths address the same keys", async () => {
    const appId = await newApp();
    const prod = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    expect((await alice.devportal.get(`/applications/${appId}/keys`)).body.count).toBe(1);
    expect((await alice.devportal.get(`/applications/${appId}/keys/PRODUCTION`)).body.consumerKey).toBe(prod.body.consumerKey);
    expect((await alice.devportal.get(`/applications/${appId}/keys/SANDBOX`)).status).toBe(404);
    expect((await alice.devportal.get(`/applications/${appId}/keys/OTHER`)).status).toBe(400);
    const put = await alice.devportal.put(`/applications/${appId}/keys/PRODUCTION`, { supportedGrantTypes: ['client_credentials', 'password'] });
    expect(put.body.supportedGrantTypes).toEqual(['client_credentials', 'password']);
    const token = await alice.devportal.post(`/applications/${appId}/keys/PRODUCTION/generate-token`, { validityPeriod: 100 });
    expect(token.body.validityTime).toBe(100);
    const regenerated = await alice.devportal.post(`/applications/${appId}/keys/PRODUCTION/regenerate-secret`);
    expect(regenerated.body.consumerKey).toBe(prod.body.consumerKey);
    expect((await server.services.tokens.resolve(String(token.body.accessToken)))!.active).toBe(false);
  });

  it("another user's keys are 404 everywhere, and nothing changes (P05)", async () => {
    const appId = await newApp();
    const prod = await generate(appId, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    const mapping = String(prod.body.keyMappingId);
    const bobApp = await newApp(bob);
    for (const res of [
      await bob.devportal.get(`/applications/${appId}/oauth-keys`),
      await bob.devportal.get(`/applications/${appId}/oauth-keys/${mapping}`),
      await bob.devportal.get(`/applications/${bobApp}/oauth-keys/${mapping}`),
      await bob.devportal.put(`/applications/${bobApp}/oauth-keys/${mapping}`, { supportedGrantTypes: ['password'] }),
      await bob.devportal.del(`/applications/${bobApp}/oauth-keys/${mapping}`),
      await bob.devportal.post(`/applications/${appId}/generate-keys`, { keyType: 'SANDBOX', grantTypesToBeSupported: [] }),
      await bob.devportal.post(`/applications/${bobApp}/oauth-keys/${mapping}/regenerate-secret`),
      await bob.devportal.post(`/applications/${appId}/keys/PRODUCTION/regenerate-secret`),
    ]) {
      expect(res.status).toBe(404);
    }
    const after = await alice.devportal.get(`/applications/${appId}/oauth-keys/${mapping}`);
    expect(after.body.supportedGrantTypes).toEqual(['client_credentials']);
    expect((await server.services.tokens.resolve(String(prod.body.token.accessToken)))!.active).toBe(true);
  });

  it('no token → 401; a token without app scopes → 403', async () => {
    const appId = await newApp();
    const narrow = await restUser(server, ['subscriber'], ['apim:sub_manage']);
    const anon = await fetch(`${server.control}/api/am/devportal/v3/applications/${appId}/oauth-keys`);
    expect(anon.status).toBe(401);
    expect((await narrow.devportal.get(`/applications/${appId}/oauth-keys`)).status).toBe(403);
    expect((await narrow.devportal.post(`/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: [] })).status).toBe(403);
  });
});

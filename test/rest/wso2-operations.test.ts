import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, postForm } from '../support/http.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { anApiBody, anonymous, items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * WSO2 devportal operations added for issue 14: subscriptions/multiple, an API's swagger and
 * subscription policies, map-keys and clean-up. Happy path, validation, security.
 */

let server: TestServer;
let alice: RestUser;
let bob: RestUser;
let apiId: string;
let api2Id: string;
const MISSING = '00000000-0000-4000-8000-000000000000';

async function publishedApi(publisher: RestUser, overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await publisher.publisher.post('/apis', anApiBody(overrides));
  const id = String(created.body.id);
  await publisher.publisher.post(`/apis/change-lifecycle?apiId=${id}&action=Publish`);
  return id;
}

beforeAll(async () => {
  server = await startTestServer();
  const publisher = await restUser(server, ['publisher']);
  [alice, bob] = await Promise.all([restUser(server), restUser(server)]);
  apiId = await publishedApi(publisher);
  api2Id = await publishedApi(publisher, { policies: ['Bronze'] });
});
afterAll(async () => server?.close());

const newApp = async (user: RestUser, name: string) => String((await user.devportal.post('/applications', { name })).body.applicationId);

describe('POST /subscriptions/multiple', () => {
  it('subscribes to several APIs in one call and answers with the subscriptions', async () => {
    const appId = await newApp(alice, 'multi');
    const res = await alice.devportal.post('/subscriptions/multiple', [
      { applicationId: appId, apiId, throttlingPolicy: 'Gold' },
      { applicationId: appId, apiId: api2Id, throttlingPolicy: 'Bronze' },
    ]);
    expect(res.status).toBe(200);
    expect(items(res.body).map((s) => [s.apiId, s.throttlingPolicy])).toEqual([
      [apiId, 'Gold'],
      [api2Id, 'Bronze'],
    ]);
    expect((await alice.devportal.get(`/subscriptions?applicationId=${appId}`)).body.count).toBe(2);
  });

  it('a tier the API does not offer → 400; an empty list → 400; another user\'s application → 404', async () => {
    const appId = await newApp(alice, 'multi-bad');
    expect((await alice.devportal.post('/subscriptions/multiple', [{ applicationId: appId, apiId: api2Id, throttlingPolicy: 'Gold' }])).status).toBe(400);
    expect((await alice.devportal.post('/subscriptions/multiple', [])).status).toBe(400);
    expect((await bob.devportal.post('/subscriptions/multiple', [{ applicationId: appId, apiId, throttlingPolicy: 'Gold' }])).status).toBe(404);
    expect((await anonymous(server).post('/subscriptions/multiple', [{ applicationId: appId, apiId }])).status).toBe(401);
  });
});

describe('GET /apis/{apiId}/swagger and /subscription-policies', () => {
  it("the API's OpenAPI document names the gateway URL, its resources and both security schemes", async () => {
    const res = await anonymous(server).get(`/apis/${apiId}/swagger`);
    expect(res.status).toBe(200);
    const api = (await alice.devportal.get(`/apis/${apiId}`)).body;
    expect(res.body.openapi).toBe('3.0.1');
    expect(res.body.servers[0]!.url).toBe(`${server.gateway}${String(api.context)}/1.0.0`);
    expect(Object.keys(res.body.paths)).toEqual(['/menu', '/order']);
    expect(res.body.paths['/order']!.post!.security).toEqual([{ default: [String(items(api.scopes)[0]!.key)] }, { ApiKeyAuth: [] }]);
    expect(res.body.components.securitySchemes).toMatchObject({
      default: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${server.control}/oauth2/token` } } },
      ApiKeyAuth: { type: 'apiKey', name: 'apikey', in: 'header' },
    });
  });

  it('lists the subscription tiers the API offers; unknown or unpublished API → 404', async () => {
    const res = await anonymous(server).get(`/apis/${apiId}/subscription-policies`);
    expect(res.status).toBe(200);
    expect(items(res.body).map((p) => p.name)).toEqual(['Gold', 'Unlimited']);
    expect((await anonymous(server).get(`/apis/${MISSING}/subscription-policies`)).status).toBe(404);
    expect((await anonymous(server).get(`/apis/${MISSING}/swagger`)).status).toBe(404);
  });
});

describe('POST /applications/{applicationId}/map-keys', () => {
  const consumerKey = 'oYhwZu4P2ThDmiDprBk6c0YfjR8a';
  const consumerSecret = 'ondWGtFTCOVM4sfPyOfZ7fel610a';

  it('maps an existing client: the old consumer key and secret then get tokens; the secret is never stored or shown in clear', async () => {
    const appId = await newApp(alice, 'migrated');
    await alice.devportal.post('/subscriptions', { applicationId: appId, apiId, throttlingPolicy: 'Gold' });
    const res = await alice.devportal.post(`/applications/${appId}/map-keys`, { consumerKey, consumerSecret, keyManager: 'Resident Key Manager', keyType: 'PRODUCTION' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ consumerKey, keyType: 'PRODUCTION', keyState: 'COMPLETED', supportedGrantTypes: ['client_credentials', 'refresh_token'] });
    expect(res.text).not.toContain(consumerSecret);

    const token = await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(consumerKey, consumerSecret) });
    expect(token.status).toBe(200);
    const wrong = await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(consumerKey, `${consumerSecret}x`) });
    expect(wrong.status).toBe(401);

    const secrets = await alice.devportal.get(`/applications/${appId}/oauth-keys/${String(res.body.keyMappingId)}/secrets`);
    expect(secrets.text).not.toContain(consumerSecret);
    const stored = await server.services.store.clients.findForAuthentication(consumerKey);
    expect(stored!.secrets.map((s) => s.hash)).not.toContain(consumerSecret);
  });

  it('400 for a short secret or a malformed key; 409 for a key type already present or a consumer key taken; 404 for another user', async () => {
    const appId = await newApp(alice, 'mapped-bad');
    const post = (body: Record<string, unknown>, user = alice) => user.devportal.post(`/applications/${appId}/map-keys`, { keyType: 'SANDBOX', ...body });
    const short = await post({ consumerKey: 'abcdefghijk', consumerSecret: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error[0]!.message).toBe('consumerSecret');
    expect((await post({ consumerKey: 'bad key!', consumerSecret })).body.error[0]!.message).toBe('consumerKey');
    expect((await post({ consumerKey: 'anotherKey123', consumerSecret, keyManager: 'Okta' })).status).toBe(400);
    expect((await post({ consumerKey, consumerSecret })).status).toBe(409);
    expect((await post({ consumerKey: 'anotherKey123', consumerSecret })).status).toBe(409); // the secret is in use by the first mapped client
    const mapped = await post({ consumerKey: 'anotherKey123', consumerSecret: 'another-28-char-secret-value' });
    expect(mapped.status, mapped.text).toBe(200);
    expect((await post({ consumerKey: 'thirdKey12345', consumerSecret: 'a-third-secret-of-28-chars!!' })).status).toBe(409);
    expect((await post({ consumerKey: 'bobsKey123456', consumerSecret }, bob)).status).toBe(404);
  });
});

describe('clean-up', () => {
  it('answers 200 for existing keys and changes nothing; 404 for missing keys or another user', async () => {
    const appId = await newApp(alice, 'cleanup');
    const keys = await alice.devportal.post(`/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    const mapping = String(keys.body.keyMappingId);
    expect((await alice.devportal.post(`/applications/${appId}/oauth-keys/${mapping}/clean-up`)).status).toBe(200);
    expect((await alice.devportal.post(`/applications/${appId}/keys/PRODUCTION/clean-up`)).status).toBe(200);
    expect((await alice.devportal.get(`/applications/${appId}/oauth-keys/${mapping}`)).status).toBe(200);
    expect((await alice.devportal.post(`/applications/${appId}/keys/SANDBOX/clean-up`)).status).toBe(404);
    expect((await alice.devportal.post(`/applications/${appId}/oauth-keys/${MISSING}/clean-up`)).status).toBe(404);
    expect((await bob.devportal.post(`/applications/${appId}/oauth-keys/${mapping}/clean-up`)).status).toBe(404);
  });
});

describe('POST /me/change-password', () => {
  it('changes the password after checking the current one; a wrong one → 400 naming currentPassword; a short new one → 400 naming newPassword', async () => {
    const carol = await restUser(server);
    const wrong = await carol.devportal.post('/me/change-password', { currentPassword: 'not-it-at-all', newPassword: 'a-new-password-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error[0]!.message).toBe('currentPassword');
    const short = await carol.devportal.post('/me/change-password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error[0]!.message).toBe('newPassword');
    expect((await carol.devportal.post('/me/change-password', { currentPassword: PASSWORD, newPassword: 'a-new-password-1' })).status).toBe(200);
    expect(await server.services.users.authenticate(carol.user.username, 'a-new-password-1')).not.toBeNull();
    expect(await server.services.users.authenticate(carol.user.username, PASSWORD)).toBeNull();
    expect((await anonymous(server).post('/me/change-password', { currentPassword: 'x', newPassword: 'y' })).status).toBe(401);
  });
});

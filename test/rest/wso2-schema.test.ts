import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_APIS } from '../../src/portal/rest/index.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { basic } from '../support/http.ts';
import { anApiBody, RestClient, restUser, type RestResponse, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { pathShape, Wso2Contract, type Wso2ApiName } from './wso2-contract.ts';

/**
 * Every response of every implemented operation, judged by WSO2's own OpenAPI documents
 * (../shared/reference/wso2-openapi): the real server is driven through each operation's happy path
 * and its main errors; each answer must have a status WSO2 documents for that operation and a body
 * that matches WSO2's schema for that status (4xx bodies: WSO2's Error). The last test also checks
 * that every route Gatehouse serves under a WSO2 path was exercised with a success status.
 */

const contract = new Wso2Contract();
const API_OF_BASE: Record<string, Wso2ApiName> = { '/api/am/devportal/v3': 'devportal', '/api/am/publisher/v4': 'publisher', '/api/am/admin/v4': 'admin' };

interface Exchange {
  api: Wso2ApiName;
  method: string;
  path: string;
  status: number;
  errors: string[];
  operation: string | null;
}
const exchanges: Exchange[] = [];

function record(api: Wso2ApiName, method: string, path: string, response: { status: number; body: unknown; text: string }): void {
  const concrete = path.split('?')[0]!;
  const body = response.text === '' ? undefined : response.body;
  const result = body === undefined && response.status < 300 ? { operation: contract.find(api, method, concrete), errors: [] } : contract.check(api, method, concrete, response.status, body);
  exchanges.push({ api, method, path: concrete, status: response.status, errors: result.errors, operation: result.operation ? `${result.operation.method} ${result.operation.path}` : null });
}

/** A RestClient that records every exchange for the contract check. */
class Recorded extends RestClient {
  override at(base: string): Recorded {
    return new Recorded(this.server, this.headers, base);
  }
  override async request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RestResponse> {
    const response = await super.request(method, path, body, headers);
    record(API_OF_BASE[this.base]!, method, path, response);
    return response;
  }
}

const recorded = (user: RestUser): Recorded => new Recorded(server, user.devportal.headers);

let server: TestServer;
let sub: Recorded;
let pub: Recorded;
let admin: Recorded;
let other: Recorded;
let apiId: string;
let appId: string;
let keyMappingId: string;
let ownerName: string;

beforeAll(async () => {
  server = await startTestServer();
  const [s, p, a, o] = await Promise.all([restUser(server), restUser(server, ['publisher']), restUser(server, ['admin']), restUser(server)]);
  sub = recorded(s);
  ownerName = s.user.username;
  pub = recorded(p).at('/api/am/publisher/v4');
  admin = recorded(a).at('/api/am/admin/v4');
  other = recorded(o);
});
afterAll(async () => server?.close());

describe('WSO2 contract: publisher', () => {
  it('creates, reads, updates, lists and publishes APIs; errors in the Error envelope', async () => {
    const created = await pub.post('/apis', anApiBody());
    expect(created.status).toBe(201);
    apiId = String(created.body.id);
    expect((await pub.post('/apis', { name: 'x' })).status).toBe(400);
    expect((await pub.get(`/apis/${apiId}`)).status).toBe(200);
    expect((await pub.get('/apis/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await pub.put(`/apis/${apiId}`, { ...anApiBody(), context: String(created.body.context), description: 'updated' })).status).toBe(200);
    expect((await pub.get('/apis?limit=5')).status).toBe(200);
    expect((await pub.get(`/apis/${apiId}/lifecycle-state`)).status).toBe(200);
    expect((await pub.get(`/apis/${apiId}/swagger`)).status).toBe(200);
    expect((await pub.post(`/apis/change-lifecycle?apiId=${apiId}&action=Publish`)).status).toBe(200);
    expect((await pub.post(`/apis/change-lifecycle?apiId=${apiId}&action=Nonsense`)).status).toBe(400);
    expect((await pub.get('/throttling-policies/subscription')).status).toBe(200);
  });

  it('imports an OpenAPI document and deletes an API', async () => {
    const openapi = {
      openapi: '3.0.1',
      info: { title: 'Petstore', version: '1.0.0' },
      servers: [{ url: 'http://127.0.0.1:9/pets' }],
      paths: { '/pets': { get: { responses: { '200': { description: 'ok' } } } } },
    };
    const form = new FormData();
    form.set('file', new Blob([JSON.stringify(openapi)], { type: 'application/json' }), 'petstore.json');
    form.set('additionalProperties', JSON.stringify({ context: `/pets${Date.now()}`, policies: ['Gold'] }));
    const response = await fetch(`${server.control}/api/am/publisher/v4/apis/import-openapi`, { method: 'POST', headers: pub.headers, body: form });
    const text = await response.text();
    record('publisher', 'POST', '/apis/import-openapi', { status: response.status, body: JSON.parse(text), text });
    expect(response.status).toBe(201);
    const imported = JSON.parse(text) as { id: string };
    expect((await pub.del(`/apis/${imported.id}`)).status).toBe(200);
  });
});

describe('WSO2 contract: devportal', () => {
  it('browses APIs, tiers, settings and key managers', async () => {
    expect((await sub.get('/apis')).status).toBe(200);
    expect((await sub.get(`/apis/${apiId}`)).status).toBe(200);
    expect((await sub.get('/apis/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await sub.get('/throttling-policies/subscription')).status).toBe(200);
    expect((await sub.get('/throttling-policies/application/Unlimited')).status).toBe(200);
    expect((await sub.get('/throttling-policies/application/NoSuchTier')).status).toBe(404);
    expect((await sub.get('/settings')).status).toBe(200);
    expect((await sub.get('/key-managers')).status).toBe(200);
    expect((await sub.get(`/apis/${apiId}/swagger`)).status).toBe(200);
    expect((await sub.get('/apis/00000000-0000-4000-8000-000000000000/swagger')).status).toBe(404);
    expect((await sub.get(`/apis/${apiId}/subscription-policies`)).status).toBe(200);
    expect((await sub.get('/settings/application-attributes')).status).toBe(200);
    expect((await other.post('/me/change-password', { currentPassword: 'wrong-password', newPassword: 'another-password-1' })).status).toBe(400);
    expect((await other.post('/me/change-password', { currentPassword: PASSWORD, newPassword: PASSWORD })).status).toBe(200);
  });

  it('manages applications', async () => {
    const created = await sub.post('/applications', { name: 'ContractApp', throttlingPolicy: 'Unlimited', description: 'd', tokenType: 'JWT' });
    expect(created.status).toBe(201);
    appId = String(created.body.applicationId);
    expect((await sub.post('/applications', { name: 'ContractApp' })).status).toBe(409);
    expect((await sub.post('/applications', { name: 7 })).status).toBe(400);
    expect((await sub.get('/applications')).status).toBe(200);
    expect((await sub.get(`/applications/${appId}`)).status).toBe(200);
    expect((await other.get(`/applications/${appId}`)).status).toBe(404);
    expect((await sub.put(`/applications/${appId}`, { name: 'ContractApp', description: 'changed' })).status).toBe(200);
    expect((await sub.get('/applications/export?appName=ContractApp&appOwner=nobody')).status).toBe(404);
    const exported = await fetch(`${server.control}/api/am/devportal/v3/applications/export?appName=ContractApp&appOwner=${ownerName}&format=JSON`, { headers: sub.headers });
    const archive = Buffer.from(await exported.arrayBuffer());
    record('devportal', 'GET', '/applications/export', { status: exported.status, body: undefined, text: '' });
    expect(exported.status).toBe(200);
    for (const query of ['', '?update=true']) {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(archive)], { type: 'application/zip' }), 'app.zip');
      const imported = await fetch(`${server.control}/api/am/devportal/v3/applications/import${query}`, { method: 'POST', headers: other.headers, body: form });
      const text = await imported.text();
      record('devportal', 'POST', '/applications/import', { status: imported.status, body: JSON.parse(text), text });
      expect(imported.status).toBe(200);
    }
    const doomed = await sub.post('/applications', { name: 'Doomed' });
    expect((await sub.del(`/applications/${String(doomed.body.applicationId)}`)).status).toBe(200);
  });

  it('subscribes', async () => {
    const created = await sub.post('/subscriptions', { applicationId: appId, apiId, throttlingPolicy: 'Gold' });
    expect(created.status).toBe(201);
    const id = String(created.body.subscriptionId);
    expect((await sub.post('/subscriptions', { applicationId: appId, apiId, throttlingPolicy: 'Gold' })).status).toBe(409);
    expect((await sub.get(`/subscriptions?applicationId=${appId}`)).status).toBe(200);
    expect((await sub.get(`/subscriptions/${id}`)).status).toBe(200);
    expect((await sub.put(`/subscriptions/${id}`, { applicationId: appId, apiId, throttlingPolicy: 'Unlimited' })).status).toBe(200);
    const multi = await sub.post('/applications', { name: 'Multiple' });
    expect((await sub.post('/subscriptions/multiple', [{ applicationId: String(multi.body.applicationId), apiId, throttlingPolicy: 'Gold' }])).status).toBe(200);
    expect((await sub.post('/subscriptions/multiple', [{ applicationId: String(multi.body.applicationId), apiId, throttlingPolicy: 'Nope' }])).status).toBe(400);
    expect((await pub.get(`/subscriptions?apiId=${apiId}`)).status).toBe(200);
    expect((await pub.get(`/subscriptions/${id}/subscriber-info`)).status).toBe(200);
    expect((await pub.get('/subscriptions/00000000-0000-4000-8000-000000000000/subscriber-info')).status).toBe(404);
    expect((await pub.post(`/subscriptions/block-subscription?subscriptionId=${id}&blockState=PROD_ONLY_BLOCKED`)).status).toBe(200);
    expect((await pub.post(`/subscriptions/block-subscription?subscriptionId=${id}&blockState=NOPE`)).status).toBe(400);
    expect((await pub.post(`/subscriptions/unblock-subscription?subscriptionId=${id}`)).status).toBe(200);
    expect((await pub.post('/subscriptions/unblock-subscription?subscriptionId=00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const second = await sub.post('/applications', { name: 'Unsubscribes' });
    const s2 = await sub.post('/subscriptions', { applicationId: String(second.body.applicationId), apiId, throttlingPolicy: 'Gold' });
    expect((await sub.del(`/subscriptions/${String(s2.body.subscriptionId)}`)).status).toBe(200);
  });

  it('generates and manages OAuth keys, tokens and secrets', async () => {
    const keys = await sub.post(`/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials', 'refresh_token'] });
    expect(keys.status).toBe(200);
    keyMappingId = String(keys.body.keyMappingId);
    expect((await sub.post(`/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] })).status).toBe(409);
    const base = `/applications/${appId}/oauth-keys`;
    expect((await sub.get(base)).status).toBe(200);
    expect((await sub.get(`${base}/${keyMappingId}`)).status).toBe(200);
    expect((await sub.put(`${base}/${keyMappingId}`, { supportedGrantTypes: ['client_credentials', 'refresh_token'] })).status).toBe(200);
    expect((await sub.post(`${base}/${keyMappingId}/generate-token`, { validityPeriod: 600, scopes: [] })).status).toBe(200);
    const secret = await sub.post(`${base}/${keyMappingId}/generate-secret`, { additionalProperties: { description: 'rotation' } });
    expect(secret.status).toBe(201);
    expect((await sub.get(`${base}/${keyMappingId}/secrets`)).status).toBe(200);
    expect((await sub.post(`${base}/${keyMappingId}/revoke-secret`, { secretId: String(secret.body.secretId) })).status).toBe(204);
    expect((await sub.post(`${base}/${keyMappingId}/regenerate-secret`)).status).toBe(200);
  });

  it('serves the deprecated keys/{keyType} paths', async () => {
    const app = await sub.post('/applications', { name: 'LegacyKeys' });
    const id = String(app.body.applicationId);
    const keys = await sub.post(`/applications/${id}/generate-keys`, { keyType: 'SANDBOX', grantTypesToBeSupported: ['client_credentials'] });
    expect(keys.status).toBe(200);
    expect((await sub.get(`/applications/${id}/keys`)).status).toBe(200);
    expect((await sub.get(`/applications/${id}/keys/SANDBOX`)).status).toBe(200);
    expect((await sub.put(`/applications/${id}/keys/SANDBOX`, { supportedGrantTypes: ['client_credentials'] })).status).toBe(200);
    expect((await sub.post(`/applications/${id}/keys/SANDBOX/generate-token`, { validityPeriod: 60 })).status).toBe(200);
    expect((await sub.post(`/applications/${id}/keys/SANDBOX/regenerate-secret`)).status).toBe(200);
    expect((await sub.post(`/applications/${id}/keys/SANDBOX/clean-up`)).status).toBe(200);
    expect((await sub.post(`/applications/${id}/oauth-keys/${String(keys.body.keyMappingId)}/clean-up`)).status).toBe(200);
    expect((await sub.del(`/applications/${id}/oauth-keys/${String(keys.body.keyMappingId)}`)).status).toBe(200);
    const mapped = await sub.post(`/applications/${id}/map-keys`, { consumerKey: 'oYhwZu4P2ThDmiDprBk6c0YfjR8a', consumerSecret: 'ondWGtFTCOVM4sfPyOfZ7fel610a', keyManager: 'Resident Key Manager', keyType: 'SANDBOX' });
    expect(mapped.status).toBe(200);
    expect((await sub.post(`/applications/${id}/map-keys`, { consumerKey: 'x', keyType: 'SANDBOX' })).status).toBe(400);
    expect((await sub.post(`/applications/${id}/reset-throttle-policy`, { userName: 'admin' })).status).toBe(200);
    expect((await sub.post(`/applications/${id}/reset-throttle-policy`, { userName: 7 })).status).toBe(400);
  });

  it('generates, lists, regenerates and revokes API keys', async () => {
    const base = `/applications/${appId}/api-keys/PRODUCTION`;
    const key = await sub.post(`${base}/generate`, { validityPeriod: 3600, additionalProperties: { permittedIP: '10.0.0.0/8' } });
    expect(key.status).toBe(200);
    const used = Date.now();
    await server.services.store.apiKeys.touchLastUsed(new Map([[String(key.body.keyUUID), used]]));
    expect((await sub.get(base)).status).toBe(200);
    const renewed = await sub.post(`${base}/regenerate`, { keyUUID: String(key.body.keyUUID) });
    expect(renewed.status).toBe(200);
    expect((await sub.post(`${base}/revoke`, { apikey: String(renewed.body.apikey) })).status).toBe(200);
    expect((await sub.post(`${base}/revoke`, { apikey: String(renewed.body.apikey) })).status).toBe(404);
  });

  it("WSO2's per-API keys: made for an API, associated, listed, dissociated, regenerated, revoked", async () => {
    const made = await sub.post(`/apis/${apiId}/api-keys/generate`, { keyName: 'partner', keyType: 'PRODUCTION', validityPeriod: 3600 });
    expect(made.status).toBe(200);
    const keyUUID = String(made.body.keyUUID);
    expect((await sub.get(`/applications/${appId}/api-keys/PRODUCTION/subscriptions`)).status).toBe(200);
    expect((await sub.post(`/apis/${apiId}/api-keys/associate`, { keyUUID, applicationUUID: appId })).status).toBe(200);
    expect((await sub.post(`/apis/${apiId}/api-keys/associate`, { keyUUID })).status).toBe(400);
    expect((await sub.get(`/apis/${apiId}/api-keys`)).status).toBe(200);
    expect((await sub.get(`/applications/${appId}/api-keys/PRODUCTION/associations`)).status).toBe(200);
    expect((await sub.post(`/apis/${apiId}/api-keys/dissociate`, { keyUUID })).status).toBe(200);
    const renewed = await sub.post(`/apis/${apiId}/api-keys/regenerate`, { keyUUID });
    expect(renewed.status).toBe(200);
    expect((await sub.post(`/apis/${apiId}/api-keys/revoke`, { keyUUID: String(renewed.body.keyUUID) })).status).toBe(200);
    expect((await other.post(`/apis/${apiId}/api-keys/revoke`, { keyUUID })).status).toBe(404);

    const appKey = await sub.post(`/applications/${appId}/api-keys/PRODUCTION/generate`, {});
    const appKeyUUID = String(appKey.body.keyUUID);
    expect((await sub.post(`/applications/${appId}/api-keys/PRODUCTION/associate`, { keyUUID: appKeyUUID, apiUUID: apiId })).status).toBe(200);
    expect((await sub.post(`/applications/${appId}/api-keys/PRODUCTION/dissociate`, { keyUUID: appKeyUUID })).status).toBe(200);
    expect((await sub.post(`/applications/${appId}/api-keys/PRODUCTION/dissociate`, { keyUUID: appKeyUUID })).status).toBe(404);
  });
});

describe('WSO2 contract: admin', () => {
  it("lists, reads and deletes any user's applications", async () => {
    const doomed = await sub.post('/applications', { name: 'AdminDoomed' });
    const id = String(doomed.body.applicationId);
    expect((await admin.get('/applications?limit=5')).status).toBe(200);
    expect((await admin.get(`/applications/${id}`)).status).toBe(200);
    expect((await admin.del(`/applications/${id}`)).status).toBe(200);
    expect((await admin.get(`/applications/${id}`)).status).toBe(404);
  });

  it('manages application and subscription throttling policies', async () => {
    for (const level of ['application', 'subscription'] as const) {
      const base = `/throttling/policies/${level}`;
      const body = { policyName: `Contract${level}`, displayName: 'Contract', defaultLimit: { type: 'REQUESTCOUNTLIMIT', requestCount: { requestCount: 100, timeUnit: 'min', unitTime: 1 } } };
      const created = await admin.post(base, body);
      expect(created.status).toBe(201);
      const id = String(created.body.policyId);
      expect((await admin.post(base, body)).status).toBe(409);
      expect((await admin.get(base)).status).toBe(200);
      expect((await admin.get(`${base}/${id}`)).status).toBe(200);
      expect((await admin.put(`${base}/${id}`, { ...body, description: 'changed' })).status).toBe(200);
      expect((await admin.del(`${base}/${id}`)).status).toBe(200);
      expect((await admin.get(`${base}/${id}`)).status).toBe(404);
    }
  });
});

describe('WSO2 contract: client registration', () => {
  it("registers a client with WSO2's own sample body (bare host name callbackUrl, not stored: the client cannot redirect)", async () => {
    const response = await fetch(`${server.control}/client-registration/v0.17/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('admin', 'admin-password-for-tests') },
      body: JSON.stringify({ callbackUrl: 'www.google.lk', clientName: 'rest_api_publisher', owner: 'admin', grantType: 'client_credentials password refresh_token', saasApp: true }),
    });
    const text = await response.text();
    record('dcr', 'POST', '/register', { status: response.status, body: JSON.parse(text), text });
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ clientName: 'rest_api_publisher', callBackURL: '', isSaasApplication: 'true' });
  });

  it('a bare host name is still refused as the callback of a client that may redirect (D02)', async () => {
    const response = await fetch(`${server.control}/client-registration/v0.17/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('admin', 'admin-password-for-tests') },
      body: JSON.stringify({ callbackUrl: 'www.google.lk', clientName: 'rest_code_client', owner: 'admin', grantType: 'authorization_code refresh_token', saasApp: true }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_redirect_uri');
  });
});

describe('WSO2 contract: verdict', () => {
  it('every response matches the schema WSO2 documents for its operation and status', () => {
    const failures = exchanges.filter((e) => e.errors.length > 0).map((e) => `${e.method} ${e.path} → ${e.status}: ${e.errors.join('; ')}`);
    expect(failures).toEqual([]);
  });

  it('every route Gatehouse serves under a WSO2 path was exercised with a success status', () => {
    const names: Wso2ApiName[] = ['devportal', 'publisher', 'admin'];
    const unexercised: string[] = [];
    REST_APIS.forEach((api, i) => {
      const name = names[i]!;
      for (const route of api.routes) {
        const documented = contract.docs[name].operations.some((o) => o.method === route.method && pathShape(o.path) === pathShape(route.path));
        if (!documented) continue;
        const hit = exchanges.some((e) => e.api === name && e.status < 300 && e.operation !== null && e.operation.startsWith(`${route.method} `) && pathShape(e.operation.slice(route.method.length + 1)) === pathShape(route.path));
        if (!hit) unexercised.push(`${name} ${route.method} ${route.path}`);
      }
    });
    expect(unexercised).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/core/model.ts';
import { aPublishedApi, aUser } from '../support/fixtures.ts';
import { anonymous, items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Devportal v3 catalogue: published APIs, throttling policies, settings, key managers. */

let server: TestServer;
let alice: RestUser;
let api: Api;
let draft: Api;

beforeAll(async () => {
  server = await startTestServer();
  alice = await restUser(server);
  api = await aPublishedApi(server.services, { scopes: [{ name: 'catalog_read', bindings: ['subscriber'] }], policies: ['Gold', 'Unlimited'], sandboxUrl: 'http://127.0.0.1:9/sbx' });
  draft = await server.services.apis.create((await aUser(server.services, ['publisher'])).id, { name: 'Draft', context: '/draft', version: 'v1' });
});
afterAll(async () => server?.close());

describe('published APIs', () => {
  it('lists only published APIs, anonymously too, with paging and a name query', async () => {
    const res = await anonymous(server).get('/apis');
    expect(res.status).toBe(200);
    const ids = items(res.body.list).map((a) => a.id);
    expect(ids).toContain(api.id);
    expect(ids).not.toContain(draft.id);
    const info = items(res.body.list).find((a) => String(a.id) === api.id)!;
    expect(info).toMatchObject({ name: api.name, context: api.context, version: '1.0.0', type: 'HTTP', lifeCycleStatus: 'PUBLISHED', throttlingPolicies: ['Gold', 'Unlimited'], securityScheme: ['oauth2', 'api_key'] });
    expect(String(info.provider)).toMatch(/^user/);
    const second = await aPublishedApi(server.services);
    expect((await alice.devportal.get('/apis?limit=1')).body.pagination.total).toBe(2);
    const query = await alice.devportal.get(`/apis?query=name:${second.name}`);
    expect(items(query.body.list).map((a) => a.id)).toEqual([second.id]);
  });

  it('gets a published API with operations, scopes, tiers and gateway URLs; an unpublished one is 404', async () => {
    const res = await anonymous(server).get(`/apis/${api.id}`);
    expect(res.status).toBe(200);
    expect(res.body.operations[0]).toMatchObject({ target: '/items', verb: 'GET', authType: 'Application & Application User', throttlingPolicy: 'Unlimited', scopes: ['catalog_read'] });
    expect(res.body.scopes).toEqual([{ key: 'catalog_read', name: 'catalog_read', roles: ['subscriber'], description: '' }]);
    expect(res.body.tiers).toEqual([{ tierName: 'Gold', tierPlan: 'FREE' }, { tierName: 'Unlimited', tierPlan: 'FREE' }]);
    expect(res.body.endpointURLs[0]!.URLs.http).toBe(`${server.gateway}${api.context}/1.0.0`);
    expect((await alice.devportal.get(`/apis/${draft.id}`)).status).toBe(404);
    expect((await alice.devportal.get('/apis/unknown')).status).toBe(404);
  });
});

describe('throttling policies', () => {
  it('WSO2 default application and subscription tiers', async () => {
    const apps = await anonymous(server).get('/throttling-policies/application');
    expect(items(apps.body.list).map((p) => p.name).sort()).toEqual(['10PerMin', '20PerMin', '50PerMin', 'Unlimited']);
    expect(items(apps.body.list).find((p) => String(p.name) === '50PerMin')).toMatchObject({ policyLevel: 'application', requestCount: 50, unitTime: 60_000, timeUnit: 'min', tierPlan: 'FREE', quotaPolicyType: 'REQUESTCOUNT' });
    const all = await alice.devportal.get('/throttling-policies/subscription');
    expect(Object.fromEntries(items(all.body.list).map((p) => [p.name, p.requestCount]))).toEqual({ Gold: 5000, Silver: 2000, Bronze: 1000, Unlimited: 2_147_483_647 });
    const subs = await alice.devportal.get('/throttling-policies/subscription?limit=2&offset=1');
    expect(subs.body.count).toBe(2);
    expect(subs.body.pagination).toMatchObject({ total: 4, offset: 1, limit: 2 });
    const unlimited = await alice.devportal.get('/throttling-policies/subscription/Unlimited');
    expect(unlimited.body.requestCount).toBe(2_147_483_647);
    expect((await alice.devportal.get('/throttling-policies/subscription/Platinum')).status).toBe(404);
    const bad = await alice.devportal.get('/throttling-policies/api');
    expect(bad.status).toBe(400);
    expect(bad.body.error[0]!.message).toBe('policyLevel');
  });
});

describe('settings and key managers', () => {
  it('settings name the grant types, devportal scopes and the gateway endpoint', async () => {
    const res = await alice.devportal.get('/settings');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applicationSharingEnabled: false, mapExistingAuthApps: true, apiGatewayEndpoint: server.gateway });
    expect(res.body.grantTypes).toEqual(expect.arrayContaining(['client_credentials', 'password', 'refresh_token', 'authorization_code']));
    expect(res.body.scopes).toEqual(expect.arrayContaining(['apim:subscribe', 'apim:app_manage', 'apim:sub_manage', 'apim:api_key']));
    expect((await anonymous(server).get('/settings')).status).toBe(401);
    const publisherOnly = await restUser(server, ['publisher']);
    expect((await publisherOnly.devportal.get('/settings')).status).toBe(403);
  });

  it('one Resident Key Manager with its endpoints and application settings', async () => {
    const res = await alice.devportal.get('/key-managers');
    expect(res.body.count).toBe(1);
    expect(res.body.list[0]).toMatchObject({
      name: 'Resident Key Manager',
      enabled: true,
      enableTokenGeneration: true,
      tokenEndpoint: `${server.control}/oauth2/token`,
      revokeEndpoint: `${server.control}/oauth2/revoke`,
      tokenType: 'DIRECT',
    });
    expect(items(res.body.list[0]!.applicationConfiguration).map((c) => c.name)).toEqual([
      'application_access_token_expiry_time',
      'user_access_token_expiry_time',
      'refresh_token_expiry_time',
      'pkceMandatory',
    ]);
    expect((await anonymous(server).get('/key-managers')).status).toBe(401);
  });
});

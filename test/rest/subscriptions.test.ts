import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/core/model.ts';
import { aPublishedApi, aUser } from '../support/fixtures.ts';
import { items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Devportal v3 subscriptions with subscription tiers. */

let server: TestServer;
let alice: RestUser;
let bob: RestUser;
let api: Api;
let other: Api;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([restUser(server), restUser(server)]);
  api = await aPublishedApi(server.services, { policies: ['Gold', 'Bronze'], scopes: [{ name: 'sub_scope' }] });
  other = await aPublishedApi(server.services);
});
afterAll(async () => server?.close());

async function newApp(user: RestUser = alice): Promise<string> {
  const res = await user.devportal.post('/applications', { name: `s-${Math.random().toString(36).slice(2, 10)}` });
  expect(res.status).toBe(201);
  expect(res.body.applicationId).toEqual(expect.any(String));
  return String(res.body.applicationId);
}

describe('subscriptions', () => {
  it('subscribes with a tier, in the WSO2 shape; the application shows the count and the API scopes', async () => {
    const appId = await newApp();
    const res = await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Bronze' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/am/devportal/v3/subscriptions/${res.body.subscriptionId}`);
    expect(res.body).toMatchObject({
      applicationId: appId,
      apiId: api.id,
      throttlingPolicy: 'Bronze',
      requestedThrottlingPolicy: 'Bronze',
      status: 'UNBLOCKED',
      apiInfo: { id: api.id, name: api.name, context: api.context, version: '1.0.0', lifeCycleStatus: 'PUBLISHED' },
      applicationInfo: { applicationId: appId, owner: alice.user.username, subscriptionCount: 1 },
    });
    const app = await alice.devportal.get(`/applications/${appId}`);
    expect(app.body.subscriptionCount).toBe(1);
    expect(items(app.body.subscriptionScopes).map((s) => s.key)).toEqual(['sub_scope']);
    const defaultTier = await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: other.id });
    expect(defaultTier.body.throttlingPolicy).toBe('Unlimited');
  });

  it('lists by application or by API (only the caller\'s), gets, changes the tier and unsubscribes', async () => {
    const appId = await newApp();
    const sub = await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Gold' });
    await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: other.id });
    const bobApp = await newApp(bob);
    await bob.devportal.post('/subscriptions', { applicationId: bobApp, apiId: api.id, throttlingPolicy: 'Gold' });

    const byApp = await alice.devportal.get(`/subscriptions?applicationId=${appId}`);
    expect(byApp.body.count).toBe(2);
    expect(byApp.body.pagination.total).toBe(2);
    const paged = await alice.devportal.get(`/subscriptions?applicationId=${appId}&limit=1`);
    expect(paged.body.count).toBe(1);
    expect(String(paged.body.pagination.next)).toContain(`applicationId=${appId}`);
    const byApi = await alice.devportal.get(`/subscriptions?apiId=${api.id}`);
    expect(items(byApi.body.list).every((s) => String(s.applicationInfo.owner) === alice.user.username)).toBe(true);

    const id = String(sub.body.subscriptionId);
    expect((await alice.devportal.get(`/subscriptions/${id}`)).body.throttlingPolicy).toBe('Gold');
    const changed = await alice.devportal.put(`/subscriptions/${id}`, { ...sub.body, throttlingPolicy: 'Bronze' });
    expect(changed.status).toBe(200);
    expect(changed.body.throttlingPolicy).toBe('Bronze');
    expect((await alice.devportal.del(`/subscriptions/${id}`)).status).toBe(200);
    expect((await alice.devportal.get(`/subscriptions/${id}`)).status).toBe(404);
  });

  it('validation: tier not offered, unknown or unpublished API, duplicate, missing filter, unknown field', async () => {
    const appId = await newApp();
    const notOffered = await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Silver' });
    expect(notOffered.status).toBe(400);
    expect(notOffered.body.error[0]!.message).toBe('throttlingPolicy');
    expect((await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: 'no-such-api' })).status).toBe(404);
    const draft = await server.services.apis.create((await aUser(server.services, ['publisher'])).id, { name: 'draft', context: '/draft-sub', version: 'v1' });
    expect((await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: draft.id })).status).toBe(404);
    await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Gold' });
    expect((await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Gold' })).status).toBe(409);
    const noFilter = await alice.devportal.get('/subscriptions');
    expect(noFilter.status).toBe(400);
    expect(noFilter.body.error[0]!.message).toBe('applicationId');
    const unknown = await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: other.id, tier: 'Gold' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error[0]!.message).toBe('tier');
    const missing = await alice.devportal.post('/subscriptions', { apiId: other.id });
    expect(missing.body.error[0]!.message).toBe('applicationId');
    expect((await alice.devportal.get(`/subscriptions?applicationId=${appId}`)).body.count).toBe(1);
  });

  it('mass assignment: status, subscriptionId and a different application in a PUT are ignored (P06)', async () => {
    const appId = await newApp();
    const otherApp = await newApp();
    const sub = await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Gold', status: 'BLOCKED', subscriptionId: 'mine' });
    expect(sub.body.status).toBe('UNBLOCKED');
    expect(sub.body.subscriptionId).not.toBe('mine');
    const put = await alice.devportal.put(`/subscriptions/${sub.body.subscriptionId}`, { throttlingPolicy: 'Gold', applicationId: otherApp, status: 'BLOCKED' });
    expect(put.body).toMatchObject({ applicationId: appId, status: 'UNBLOCKED' });
  });

  it("security: 401 without token, 403 without subscribe scopes, another user's subscription or application 404 (P05)", async () => {
    const appId = await newApp();
    const sub = await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Gold' });
    const id = String(sub.body.subscriptionId);
    expect((await fetch(`${server.control}/api/am/devportal/v3/subscriptions?applicationId=${appId}`)).status).toBe(401);
    const narrow = await restUser(server, ['subscriber'], ['apim:api_key']);
    expect((await narrow.devportal.get(`/subscriptions?applicationId=${appId}`)).status).toBe(403);
    const bobApp = await newApp(bob);
    for (const res of [
      await bob.devportal.get(`/subscriptions/${id}`),
      await bob.devportal.put(`/subscriptions/${id}`, { throttlingPolicy: 'Bronze' }),
      await bob.devportal.del(`/subscriptions/${id}`),
      await bob.devportal.get(`/subscriptions?applicationId=${appId}`),
      await bob.devportal.post('/subscriptions', { applicationId: appId, apiId: other.id }),
    ]) {
      expect(res.status).toBe(404);
    }
    const bobsView = await bob.devportal.get(`/subscriptions?apiId=${api.id}`);
    expect(items(bobsView.body.list).map((s) => s.applicationId)).not.toContain(appId);
    expect(items(bobsView.body.list).every((s) => String(s.applicationInfo.owner) === bob.user.username)).toBe(true);
    // And the other way round: Alice cannot see the subscriptions of Bob's application.
    expect((await alice.devportal.get(`/subscriptions?applicationId=${bobApp}`)).status).toBe(404);
    expect((await alice.devportal.get(`/subscriptions/${id}`)).body.throttlingPolicy).toBe('Gold');
  });
});

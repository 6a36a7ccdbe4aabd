import { beforeAll, describe, expect, it } from 'vitest';
import { serverAndBackend } from '../support/gateway.ts';
import { anApiBody, items, restUser, type RestUser } from '../support/rest.ts';

/**
 * WSO2's per-API key model over REST, enforced at the gateway: a key made for an API works only once
 * associated with a subscribed application, and only for that API; an application key associated with
 * one API works for that API only; dissociation takes effect on the next call.
 */

const ctx = serverAndBackend();
let alice: RestUser;
let bob: RestUser;
const apis: Array<{ id: string; context: string }> = [];
let appId: string;

async function publish(publisher: RestUser) {
  const created = await publisher.publisher.post('/apis', anApiBody({ endpointConfig: { endpoint_type: 'http', production_endpoints: { url: ctx.backend.url } } }));
  await publisher.publisher.post(`/apis/change-lifecycle?apiId=${String(created.body.id)}&action=Publish`);
  return { id: String(created.body.id), context: String(created.body.context) };
}

const call = (api: { context: string }, key: string) => fetch(`${ctx.server.gateway}${api.context}/1.0.0/menu`, { headers: { apikey: key } });

beforeAll(async () => {
  const publisher = await restUser(ctx.server, ['publisher']);
  [alice, bob] = await Promise.all([restUser(ctx.server), restUser(ctx.server)]);
  apis.push(await publish(publisher), await publish(publisher));
  appId = String((await alice.devportal.post('/applications', { name: 'bound' })).body.applicationId);
  for (const api of apis) await alice.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Gold' });
});

describe('keys made for an API', () => {
  it('work only after association with a subscribed application, only for that API, and stop when dissociated', async () => {
    const [one, two] = apis as [{ id: string; context: string }, { id: string; context: string }];
    const made = await alice.devportal.post(`/apis/${one.id}/api-keys/generate`, { keyName: 'partner', keyType: 'PRODUCTION', validityPeriod: 3600 });
    expect(made.status).toBe(200);
    const key = String(made.body.apikey);
    const keyUUID = String(made.body.keyUUID);
    expect((await call(one, key)).status).toBe(403); // not associated: no application, no subscription

    const candidates = await alice.devportal.get(`/applications/${appId}/api-keys/PRODUCTION/subscriptions`);
    expect(items(candidates.body.list).map((k) => [k.keyUUID, k.apiUUID])).toEqual([[keyUUID, one.id]]);

    const associated = await alice.devportal.post(`/apis/${one.id}/api-keys/associate`, { keyUUID, applicationUUID: appId });
    expect(associated.status).toBe(200);
    expect(associated.body).toMatchObject({ keyName: 'partner', applicationName: 'bound' });
    expect((await call(one, key)).status).toBe(200);
    expect((await call(two, key)).status).toBe(403); // bound to the first API only

    const listed = await alice.devportal.get(`/apis/${one.id}/api-keys`);
    expect(items(listed.body.list)).toEqual([expect.objectContaining({ keyUUID, keyName: 'partner', associatedApp: 'bound', validityPeriod: 3600 })]);
    expect(listed.text).not.toContain(key);
    const associations = await alice.devportal.get(`/applications/${appId}/api-keys/PRODUCTION/associations`);
    expect(items(associations.body.list).map((a) => [a.keyUUID, a.apiUUID])).toEqual([[keyUUID, one.id]]);

    expect((await alice.devportal.post(`/apis/${one.id}/api-keys/dissociate`, { keyUUID })).status).toBe(200);
    expect((await call(one, key)).status).toBe(403);
  });

  it('regenerate keeps the binding and stops the old key; revoke stops the new one', async () => {
    const [one] = apis as [{ id: string; context: string }];
    const made = await alice.devportal.post(`/apis/${one.id}/api-keys/generate`, {});
    const keyUUID = String(made.body.keyUUID);
    await alice.devportal.post(`/apis/${one.id}/api-keys/associate`, { keyUUID, applicationUUID: appId });
    const renewed = await alice.devportal.post(`/apis/${one.id}/api-keys/regenerate`, { keyUUID });
    expect(renewed.status).toBe(200);
    expect((await call(one, String(made.body.apikey))).status).toBe(401);
    expect((await call(one, String(renewed.body.apikey))).status).toBe(200);
    expect((await alice.devportal.post(`/apis/${one.id}/api-keys/revoke`, { keyUUID: String(renewed.body.keyUUID) })).status).toBe(200);
    expect((await call(one, String(renewed.body.apikey))).status).toBe(401);
  });

  it('association needs a subscription (400 naming applicationUUID); another user sees and touches nothing (404)', async () => {
    const [one] = apis as [{ id: string; context: string }];
    const unsubscribed = String((await alice.devportal.post('/applications', { name: 'unsubscribed' })).body.applicationId);
    const made = await alice.devportal.post(`/apis/${one.id}/api-keys/generate`, {});
    const keyUUID = String(made.body.keyUUID);
    const refused = await alice.devportal.post(`/apis/${one.id}/api-keys/associate`, { keyUUID, applicationUUID: unsubscribed });
    expect(refused.status).toBe(400);
    expect(refused.body.error[0]!.message).toBe('applicationUUID');

    expect(items((await bob.devportal.get(`/apis/${one.id}/api-keys`)).body.list)).toEqual([]);
    expect((await bob.devportal.post(`/apis/${one.id}/api-keys/revoke`, { keyUUID })).status).toBe(404);
    expect((await bob.devportal.post(`/apis/${one.id}/api-keys/regenerate`, { keyUUID })).status).toBe(404);
    expect((await bob.devportal.post(`/apis/${one.id}/api-keys/associate`, { keyUUID, applicationUUID: appId })).status).toBe(404);
    expect((await alice.devportal.post(`/apis/${one.id}/api-keys/associate`, { keyUUID })).status).toBe(400);
    expect((await alice.devportal.post('/apis/00000000-0000-4000-8000-000000000000/api-keys/generate', {})).status).toBe(404);
  });
});

describe("an application's key associated with an API", () => {
  it('works for that API only until dissociated, then for every subscribed API again', async () => {
    const [one, two] = apis as [{ id: string; context: string }, { id: string; context: string }];
    const made = await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/generate`, { keyName: 'app-key' });
    const key = String(made.body.apikey);
    const keyUUID = String(made.body.keyUUID);
    expect((await call(two, key)).status).toBe(200);

    const associated = await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/associate`, { keyUUID, apiUUID: one.id });
    expect(associated.status).toBe(200);
    expect(associated.body).toMatchObject({ keyName: 'app-key', applicationName: 'bound' });
    expect((await call(one, key)).status).toBe(200);
    expect((await call(two, key)).status).toBe(403);

    expect((await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/dissociate`, { keyUUID })).status).toBe(200);
    expect((await call(two, key)).status).toBe(200);
    expect((await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/dissociate`, { keyUUID })).status).toBe(404);
  });

  it('another user, another key type, or an unsubscribed API are refused', async () => {
    const [one] = apis as [{ id: string; context: string }];
    const made = await alice.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/generate`, {});
    const keyUUID = String(made.body.keyUUID);
    expect((await bob.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/associate`, { keyUUID, apiUUID: one.id })).status).toBe(404);
    expect((await alice.devportal.post(`/applications/${appId}/api-keys/SANDBOX/associate`, { keyUUID, apiUUID: one.id })).status).toBe(404);
    const lonely = String((await alice.devportal.post('/applications', { name: 'lonely' })).body.applicationId);
    const other = await alice.devportal.post(`/applications/${lonely}/api-keys/PRODUCTION/generate`, {});
    const refused = await alice.devportal.post(`/applications/${lonely}/api-keys/PRODUCTION/associate`, { keyUUID: String(other.body.keyUUID), apiUUID: one.id });
    expect(refused.status).toBe(400);
    expect(refused.body.error[0]!.message).toBe('apiUUID');
  });
});

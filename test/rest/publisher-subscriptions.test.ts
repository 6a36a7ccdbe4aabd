import { beforeAll, describe, expect, it } from 'vitest';
import { serverAndBackend } from '../support/gateway.ts';
import { anApiBody, items, restUser, type RestUser } from '../support/rest.ts';

/** Publisher v4 subscriptions: list the subscribers of one's API, block and unblock them; the gateway follows at once. */

const ctx = serverAndBackend();
let pat: RestUser;
let otherPublisher: RestUser;
let sam: RestUser;
let api: { id: string; context: string };
let subscriptionId: string;
let apikey: string;

beforeAll(async () => {
  [pat, otherPublisher, sam] = await Promise.all([restUser(ctx.server, ['publisher']), restUser(ctx.server, ['publisher']), restUser(ctx.server)]);
  const created = await pat.publisher.post('/apis', anApiBody({ endpointConfig: { endpoint_type: 'http', production_endpoints: { url: ctx.backend.url } } }));
  api = { id: String(created.body.id), context: String(created.body.context) };
  await pat.publisher.post(`/apis/change-lifecycle?apiId=${api.id}&action=Publish`);
  const appId = String((await sam.devportal.post('/applications', { name: 'SamApp', description: 'sam' })).body.applicationId);
  subscriptionId = String((await sam.devportal.post('/subscriptions', { applicationId: appId, apiId: api.id, throttlingPolicy: 'Gold' })).body.subscriptionId);
  apikey = String((await sam.devportal.post(`/applications/${appId}/api-keys/PRODUCTION/generate`, {})).body.apikey);
});

const call = () => fetch(`${ctx.server.gateway}${api.context}/1.0.0/menu`, { headers: { apikey } });

describe('publisher subscriptions', () => {
  it("lists the API's subscriptions with the subscriber", async () => {
    const res = await pat.publisher.get(`/subscriptions?apiId=${api.id}`);
    expect(res.status).toBe(200);
    expect(items(res.body.list)).toEqual([
      { subscriptionId, applicationInfo: expect.objectContaining({ name: 'SamApp', subscriber: sam.user.username }), throttlingPolicy: 'Gold', subscriptionStatus: 'UNBLOCKED' },
    ]);
  });

  it("names the subscriber to the API's provider only; the API's document for the publisher", async () => {
    const info = await pat.publisher.get(`/subscriptions/${subscriptionId}/subscriber-info`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ name: sam.user.username, claims: [] });
    expect((await otherPublisher.publisher.get(`/subscriptions/${subscriptionId}/subscriber-info`)).status).toBe(404);
    const swagger = await pat.publisher.get(`/apis/${api.id}/swagger`);
    expect(swagger.status).toBe(200);
    expect(Object.keys(swagger.body.paths)).toEqual(['/menu', '/order']);
  });

  it('blocks (all, then production only) and unblocks; the gateway answers 401 900907 while blocked (as WSO2)', async () => {
    expect((await call()).status).toBe(200);
    expect((await pat.publisher.post(`/subscriptions/block-subscription?subscriptionId=${subscriptionId}&blockState=BLOCKED`)).status).toBe(200);
    const blocked = await call();
    expect(blocked.status).toBe(401);
    expect(((await blocked.json()) as { code: string }).code).toBe('900907');
    expect(items((await pat.publisher.get(`/subscriptions?apiId=${api.id}`)).body.list)[0]!.subscriptionStatus).toBe('BLOCKED');
    expect((await pat.publisher.post(`/subscriptions/block-subscription?subscriptionId=${subscriptionId}&blockState=PROD_ONLY_BLOCKED`)).status).toBe(200);
    expect((await call()).status).toBe(401); // a production key
    expect((await pat.publisher.post(`/subscriptions/unblock-subscription?subscriptionId=${subscriptionId}`)).status).toBe(200);
    expect((await call()).status).toBe(200);
  });

  it("another publisher's API or subscription is 404; a bad blockState is 400; subscribers cannot block (403)", async () => {
    expect((await otherPublisher.publisher.get(`/subscriptions?apiId=${api.id}`)).status).toBe(404);
    expect((await otherPublisher.publisher.post(`/subscriptions/block-subscription?subscriptionId=${subscriptionId}&blockState=BLOCKED`)).status).toBe(404);
    expect((await pat.publisher.post(`/subscriptions/block-subscription?subscriptionId=${subscriptionId}&blockState=ON_HOLD`)).status).toBe(400);
    expect((await sam.publisher.post(`/subscriptions/block-subscription?subscriptionId=${subscriptionId}&blockState=BLOCKED`)).status).toBe(403);
    expect((await call()).status).toBe(200);
  });
});

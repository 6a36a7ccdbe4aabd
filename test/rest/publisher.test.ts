import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApiBody, items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Publisher v4 APIs: CRUD, scopes with role bindings, tiers offered, lifecycle. */

let server: TestServer;
let pat: RestUser;

beforeAll(async () => {
  server = await startTestServer();
  pat = await restUser(server, ['publisher']);
});
afterAll(async () => server?.close());

describe('APIs CRUD', () => {
  it('creates an API in the WSO2 shape, gets, lists, updates and deletes it', async () => {
    const body = anApiBody({ description: 'Pizza API', apiThrottlingPolicy: '50KPerMin' });
    const res = await pat.publisher.post('/apis', body);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/am/publisher/v4/apis/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: body.name,
      context: body.context,
      version: '1.0.0',
      description: 'Pizza API',
      provider: pat.user.username,
      lifeCycleStatus: 'CREATED',
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9/prod' }, sandbox_endpoints: { url: 'http://127.0.0.1:9/sbx' } },
      policies: ['Gold', 'Unlimited'],
      securityScheme: ['oauth2', 'api_key'],
      apiThrottlingPolicy: '50KPerMin',
    });
    expect(items(res.body.operations).map((o) => [o.verb, o.target, o.authType, o.throttlingPolicy])).toEqual([
      ['GET', '/menu', 'Application & Application User', 'Unlimited'],
      ['POST', '/order', 'Application & Application User', 'Unlimited'],
    ]);
    expect(res.body.scopes[0]).toMatchObject({ scope: { displayName: 'Order', description: 'Place orders', bindings: ['subscriber'], usageCount: 1 }, shared: false });

    const id = String(res.body.id);
    expect((await pat.publisher.get(`/apis/${id}`)).body.name).toBe(body.name);
    const list = await pat.publisher.get('/apis?limit=10');
    expect(items(list.body.list).map((a) => a.id)).toContain(id);
    expect(list.body.pagination.total).toBeGreaterThanOrEqual(1);
    const found = await pat.publisher.get(`/apis?query=name:${String(body.name).toLowerCase()}`);
    expect(items(found.body.list).map((a) => a.id)).toEqual([id]);
    expect((await pat.publisher.get(`/apis?query=context:${String(body.context)}`)).body.count).toBe(1);

    const updated = await pat.publisher.put(`/apis/${id}`, { ...res.body, description: 'Updated', operations: [{ target: '/menu/{item}', verb: 'get', authType: 'Any' }], scopes: [] });
    expect(updated.status).toBe(200);
    expect(updated.body.description).toBe('Updated');
    expect(updated.body.operations).toEqual([{ id: '0', target: '/menu/{item}', verb: 'GET', authType: 'Application & Application User', throttlingPolicy: 'Unlimited', scopes: [] }]);
    expect(updated.body.endpointConfig.production_endpoints.url).toBe('http://127.0.0.1:9/prod');

    expect((await pat.publisher.del(`/apis/${id}`)).status).toBe(200);
    expect((await pat.publisher.get(`/apis/${id}`)).status).toBe(404);
  });

  it('WSO2 role names in scope bindings are mapped; WSO2-only fields are accepted and ignored', async () => {
    const body = anApiBody({ isDefaultVersion: true, transport: ['https'], tags: ['food'], visibility: 'PUBLIC', type: 'HTTP', gatewayVendor: 'wso2' });
    (body.scopes as Array<{ scope: { bindings: string[] } }>)[0]!.scope.bindings = ['Internal/subscriber', 'Internal/creator', 'admin'];
    const res = await pat.publisher.post('/apis', body);
    expect(res.status).toBe(201);
    expect(res.body.scopes[0]!.scope.bindings).toEqual(['subscriber', 'publisher', 'admin']);
  });

  it('duplicate context and version → 409; an API with subscriptions cannot be deleted (409)', async () => {
    const body = anApiBody();
    const first = await pat.publisher.post('/apis', body);
    const scopeless = { ...body, name: 'Other', scopes: [], operations: [{ target: '/x', verb: 'GET' }] };
    expect((await pat.publisher.post('/apis', scopeless)).status).toBe(409);
    await pat.publisher.post(`/apis/change-lifecycle?apiId=${first.body.id}&action=Publish`);
    const sam = await restUser(server);
    const app = await sam.devportal.post('/applications', { name: 'sub' });
    await sam.devportal.post('/subscriptions', { applicationId: app.body.applicationId, apiId: first.body.id, throttlingPolicy: 'Gold' });
    expect((await pat.publisher.del(`/apis/${first.body.id}`)).status).toBe(409);
  });
});

describe('APIs: validation errors (400 naming the field, nothing created)', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['unknown field', { colour: 'red' }, 'colour'],
    ['missing context', { context: undefined }, 'context'],
    ['bad context', { context: '/with space' }, 'context'],
    ['traversal in context', { context: '/a/../b' }, 'context'],
    ['bad version', { version: '1 0' }, 'version'],
    ['oversized name', { name: 'n'.repeat(61) }, 'name'],
    ['control characters in the name', { name: 'a\u0007b' }, 'name'],
    ['invalid production URL', { endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'ftp://x' } } }, 'endpointConfig.production_endpoints.url'],
    ['credentials in the endpoint URL', { endpointConfig: { production_endpoints: { url: 'http://u:p@h/' } } }, 'endpointConfig.production_endpoints.url'],
    ['unknown endpoint_type', { endpointConfig: { endpoint_type: 'graphql' } }, 'endpointConfig.endpoint_type'],
    ['unknown verb', { operations: [{ target: '/a', verb: 'FETCH' }] }, 'operations[0].verb'],
    ['bad URL template', { operations: [{ target: '/a/../b', verb: 'GET' }] }, 'operations[0].target'],
    ['unknown auth type', { operations: [{ target: '/a', verb: 'GET', authType: 'Sometimes' }] }, 'operations[0].authType'],
    ['operation scope not defined on the API', { operations: [{ target: '/a', verb: 'GET', scopes: ['ghost'] }] }, 'operations[0].scopes'],
    ['unknown operation tier', { operations: [{ target: '/a', verb: 'GET', throttlingPolicy: 'Mega' }] }, 'operations[0].throttlingPolicy'],
    ['unknown subscription tier offered', { policies: ['Platinum'] }, 'policies[0]'],
    ['unknown security scheme', { securityScheme: ['basic_auth'] }, 'securityScheme'],
    ['unknown role binding', { scopes: [{ scope: { name: 'x_scope', bindings: ['Internal/everyone'] } }], operations: [] }, 'scopes[0].bindings'],
    ['reserved apim: scope', { scopes: [{ scope: { name: 'apim:admin' } }], operations: [] }, 'scopes[0].name'],
    ['wrong type for operations', { operations: 'GET /a' }, 'operations'],
  ];
  for (const [label, overrides, field] of cases) {
    it(label, async () => {
      const body = anApiBody(overrides);
      if ('context' in overrides && overrides.context === undefined) delete body.context;
      const before = (await pat.publisher.get('/apis')).body.pagination.total;
      const res = await pat.publisher.post('/apis', body);
      expect(res.status).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
      expect((await pat.publisher.get('/apis')).body.pagination.total).toBe(before);
    });
  }
});

describe('lifecycle', () => {
  it('Created → Published → Blocked → Re-Publish → Deprecated → Retired, with WSO2 state names and transitions', async () => {
    const id = String((await pat.publisher.post('/apis', anApiBody())).body.id);
    const state = await pat.publisher.get(`/apis/${id}/lifecycle-state`);
    expect(state.body).toEqual({ state: 'Created', checkItems: [], availableTransitions: [{ event: 'Publish', targetState: 'Published' }] });
    const steps: Array<[string, string]> = [
      ['Publish', 'Published'],
      ['Block', 'Blocked'],
      ['Re-Publish', 'Published'],
      ['Deprecate', 'Deprecated'],
      ['Retire', 'Retired'],
    ];
    for (const [action, expected] of steps) {
      const res = await pat.publisher.post(`/apis/change-lifecycle?apiId=${id}&action=${encodeURIComponent(action)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ workflowStatus: 'APPROVED', lifecycleState: { state: expected } });
    }
    expect((await pat.publisher.get(`/apis/${id}`)).body.lifeCycleStatus).toBe('RETIRED');
    const demote = await pat.publisher.post(`/apis/change-lifecycle?apiId=${id}&action=Demote%20to%20Created`);
    expect(demote.status).toBe(400);
    expect(demote.body.error[0]!.message).toBe('action');
  });

  it('unknown actions, missing parameters, and publishing an API without endpoints are refused', async () => {
    const id = String((await pat.publisher.post('/apis', anApiBody({ endpointConfig: null }))).body.id);
    const unknown = await pat.publisher.post(`/apis/change-lifecycle?apiId=${id}&action=Launch`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error[0]!.message).toBe('action');
    const missing = await pat.publisher.post('/apis/change-lifecycle?action=Publish');
    expect(missing.status).toBe(400);
    expect(missing.body.error[0]!.message).toBe('apiId');
    const noEndpoint = await pat.publisher.post(`/apis/change-lifecycle?apiId=${id}&action=Publish`);
    expect(noEndpoint.status).toBe(400);
    expect(noEndpoint.body.error[0]!.message).toBe('endpointConfig');
    expect((await pat.publisher.post('/apis/change-lifecycle?apiId=nope&action=Publish')).status).toBe(404);
  });

  it('lifeCycleStatus, provider and id in a body are ignored: lifecycle only moves through change-lifecycle (P06)', async () => {
    const other = await restUser(server, ['publisher']);
    const res = await pat.publisher.post('/apis', anApiBody({ lifeCycleStatus: 'PUBLISHED', provider: other.user.username, id: 'mine' }));
    expect(res.body).toMatchObject({ lifeCycleStatus: 'CREATED', provider: pat.user.username });
    expect(res.body.id).not.toBe('mine');
    const put = await pat.publisher.put(`/apis/${res.body.id}`, { ...res.body, lifeCycleStatus: 'PUBLISHED' });
    expect(put.body.lifeCycleStatus).toBe('CREATED');
  });
});

describe('tiers and security', () => {
  it('lists the subscription and resource tiers an API can use', async () => {
    const subs = await pat.publisher.get('/throttling-policies/subscription');
    expect(items(subs.body.list).map((p) => p.name).sort()).toEqual(['Bronze', 'Gold', 'Silver', 'Unlimited']);
    const api = await pat.publisher.get('/throttling-policies/api');
    expect(items(api.body.list).map((p) => p.name)).toContain('50KPerMin');
    expect((await pat.publisher.get('/throttling-policies/application')).status).toBe(400);
  });

  it('no token → 401; subscribers and view-only tokens cannot change APIs (403)', async () => {
    const id = String((await pat.publisher.post('/apis', anApiBody())).body.id);
    expect((await fetch(`${server.control}/api/am/publisher/v4/apis`)).status).toBe(401);
    const subscriber = await restUser(server, ['subscriber']);
    const viewer = await restUser(server, ['publisher'], ['apim:api_view']);
    for (const client of [subscriber.publisher, viewer.publisher]) {
      expect((await client.post('/apis', anApiBody())).status).toBe(403);
      expect((await client.put(`/apis/${id}`, anApiBody())).status).toBe(403);
      expect((await client.del(`/apis/${id}`)).status).toBe(403);
      expect((await client.post(`/apis/change-lifecycle?apiId=${id}&action=Publish`)).status).toBe(403);
      expect((await client.post('/apis/import-openapi', { inlineAPIDefinition: {} })).status).toBe(403);
    }
    expect((await subscriber.publisher.get(`/apis/${id}`)).status).toBe(403);
    expect((await viewer.publisher.get(`/apis/${id}`)).status).toBe(200);
    expect((await pat.publisher.get(`/apis/${id}`)).body.lifeCycleStatus).toBe('CREATED');
  });
});

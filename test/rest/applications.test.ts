import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Devportal v3 applications: happy paths, validation, security. */

let server: TestServer;
let alice: RestUser;
let bob: RestUser;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([restUser(server), restUser(server)]);
});
afterAll(async () => server?.close());

describe('applications CRUD', () => {
  it('creates an application in the WSO2 shape, with a Location header and defaults', async () => {
    const res = await alice.devportal.post('/applications', { name: 'Shop', throttlingPolicy: '10PerMin', description: 'my shop', attributes: { team: 'blue' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/am/devportal/v3/applications/${res.body.applicationId}`);
    expect(res.body).toMatchObject({
      name: 'Shop',
      throttlingPolicy: '10PerMin',
      description: 'my shop',
      tokenType: 'JWT',
      status: 'APPROVED',
      groups: [],
      subscriptionCount: 0,
      attributes: { team: 'blue' },
      owner: alice.user.username,
      hashEnabled: true,
      keys: [],
      subscriptionScopes: [],
    });
    expect(String(res.body.createdTime)).toMatch(/^\d{13}$/);
    const defaults = await alice.devportal.post('/applications', { name: 'Defaults' });
    expect(defaults.body).toMatchObject({ throttlingPolicy: 'Unlimited', tokenType: 'JWT', description: '' });
  });

  it('a duplicate name for the same owner → 409; another owner may use it', async () => {
    await alice.devportal.post('/applications', { name: 'Twice' });
    const again = await alice.devportal.post('/applications', { name: 'Twice' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe(409);
    expect((await bob.devportal.post('/applications', { name: 'Twice' })).status).toBe(201);
  });

  it('gets, lists with pagination and exact-name query, updates and deletes', async () => {
    const user = await restUser(server);
    for (const name of ['a1', 'a2', 'a3']) await user.devportal.post('/applications', { name });
    const page = await user.devportal.get('/applications?limit=2&offset=0');
    expect(page.body.count).toBe(2);
    expect(page.body.pagination).toMatchObject({ offset: 0, limit: 2, total: 3, previous: '' });
    expect(String(page.body.pagination.next)).toContain('offset=2');
    const last = await user.devportal.get('/applications?limit=2&offset=2');
    expect(items(last.body.list).map((a) => a.name)).toEqual(['a3']);
    expect(last.body.pagination.next).toBe('');
    expect(String(last.body.pagination.previous)).toContain('offset=0');
    const byName = await user.devportal.get('/applications?query=a2');
    expect(items(byName.body.list).map((a) => a.name)).toEqual(['a2']);

    const id = String(byName.body.list[0]!.applicationId);
    expect((await user.devportal.get(`/applications/${id}`)).body.name).toBe('a2');
    const updated = await user.devportal.put(`/applications/${id}`, { name: 'a2-renamed', throttlingPolicy: '50PerMin' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'a2-renamed', throttlingPolicy: '50PerMin', tokenType: 'JWT' });
    expect(Number(updated.body.updatedTime)).toBeGreaterThanOrEqual(Number(updated.body.createdTime));

    expect((await user.devportal.del(`/applications/${id}`)).status).toBe(200);
    expect((await user.devportal.get(`/applications/${id}`)).status).toBe(404);
  });

  it('PUT keeps fields it does not mention (tokenType is not silently reset)', async () => {
    const created = await alice.devportal.post('/applications', { name: 'Opaque', tokenType: 'OAUTH', description: 'keep me' });
    const updated = await alice.devportal.put(`/applications/${created.body.applicationId}`, { name: 'Opaque2' });
    expect(updated.body).toMatchObject({ name: 'Opaque2', tokenType: 'OAUTH', description: 'keep me' });
  });

  it('deleting an application revokes the tokens of its keys', async () => {
    const app = await alice.devportal.post('/applications', { name: 'Doomed' });
    const keys = await alice.devportal.post(`/applications/${app.body.applicationId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    const token = String(keys.body.token.accessToken);
    expect((await server.services.tokens.resolve(token))!.active).toBe(true);
    await alice.devportal.del(`/applications/${app.body.applicationId}`);
    expect((await server.services.tokens.resolve(token))!.active).toBe(false);
  });
});

describe('applications: validation errors (400 naming the field, nothing created)', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['unknown field', { name: 'v1', colour: 'red' }, 'colour'],
    ['missing name', { throttlingPolicy: 'Unlimited' }, 'name'],
    ['name of the wrong type', { name: 42 }, 'name'],
    ['oversized name', { name: 'n'.repeat(101) }, 'name'],
    ['empty name', { name: '   ' }, 'name'],
    ['control characters in the name', { name: 'evil\u0000name' }, 'name'],
    ['bidi override in the name', { name: 'abc\u202edef' }, 'name'],
    ['unknown tier', { name: 'v2', throttlingPolicy: 'Platinum' }, 'throttlingPolicy'],
    ['a subscription tier as application tier', { name: 'v3', throttlingPolicy: 'Gold' }, 'throttlingPolicy'],
    ['unknown token type', { name: 'v4', tokenType: 'SAML' }, 'tokenType'],
    ['oversized description', { name: 'v5', description: 'd'.repeat(513) }, 'description'],
    ['attributes of the wrong type', { name: 'v6', attributes: { a: 1 } }, 'attributes.a'],
  ];
  for (const [label, body, field] of cases) {
    it(label, async () => {
      const res = await alice.devportal.post('/applications', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
      expect(String(res.body.description)).toContain(field);
    });
  }

  it('a bad limit or offset → 400 naming it', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['offset=-1', 'offset'],
    ]) {
      const res = await alice.devportal.get(`/applications?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error[0]!.message).toBe(field);
    }
  });

  it('a failed PUT changes nothing', async () => {
    const app = await alice.devportal.post('/applications', { name: 'Stable', throttlingPolicy: '20PerMin' });
    const res = await alice.devportal.put(`/applications/${app.body.applicationId}`, { name: 'Stable', throttlingPolicy: 'Nope' });
    expect(res.status).toBe(400);
    expect((await alice.devportal.get(`/applications/${app.body.applicationId}`)).body.throttlingPolicy).toBe('20PerMin');
  });
});

describe('applications: security', () => {
  it("another user's application is 404 exactly like a missing one, and is left unchanged (P05)", async () => {
    const app = await alice.devportal.post('/applications', { name: 'Private' });
    const id = String(app.body.applicationId);
    const missing = await bob.devportal.get('/applications/00000000-0000-4000-8000-000000000000');
    for (const res of [await bob.devportal.get(`/applications/${id}`), await bob.devportal.put(`/applications/${id}`, { name: 'pwned' }), await bob.devportal.del(`/applications/${id}`)]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body);
    }
    expect((await bob.devportal.get('/applications?query=Private')).body.count).toBe(0);
    expect((await alice.devportal.get(`/applications/${id}`)).body.name).toBe('Private');
  });

  it('mass assignment of owner, status, applicationId, subscriptionCount and keys is ignored (P06)', async () => {
    const res = await alice.devportal.post('/applications', {
      name: 'Mass',
      owner: bob.user.username,
      status: 'REJECTED',
      applicationId: 'chosen-id',
      subscriptionCount: 99,
      keys: [{ consumerKey: 'x' }],
      createdTime: '1',
      groups: ['g'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ owner: alice.user.username, status: 'APPROVED', subscriptionCount: 0, keys: [], groups: [] });
    expect(res.body.applicationId).not.toBe('chosen-id');
    const put = await alice.devportal.put(`/applications/${res.body.applicationId}`, { name: 'Mass', owner: bob.user.username, status: 'REJECTED' });
    expect(put.body).toMatchObject({ owner: alice.user.username, status: 'APPROVED' });
    expect((await bob.devportal.get('/applications?query=Mass')).body.count).toBe(0);
  });

  it('no token → 401; a token without apim:subscribe or apim:app_manage → 403', async () => {
    const publisherOnly = await restUser(server, ['publisher', 'subscriber'], ['apim:api_view', 'apim:sub_manage']);
    const app = await alice.devportal.post('/applications', { name: 'Guarded' });
    for (const [method, path] of [
      ['GET', '/applications'],
      ['POST', '/applications'],
      ['GET', `/applications/${app.body.applicationId}`],
      ['PUT', `/applications/${app.body.applicationId}`],
      ['DELETE', `/applications/${app.body.applicationId}`],
    ] as const) {
      expect((await fetch(`${server.control}/api/am/devportal/v3${path}`, { method })).status).toBe(401);
      expect((await publisherOnly.devportal.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' })).status).toBe(403);
    }
  });
});

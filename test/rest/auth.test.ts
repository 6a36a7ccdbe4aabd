import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../src/http/session-cookie.ts';
import { anAppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { ADMIN, DEVPORTAL, PUBLISHER, RestClient, anonymous, restUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** REST authentication and authorization: Bearer tokens as WSO2 scripts get them, the portal session cookie, 401/403. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const bearer = (token: string, base = DEVPORTAL) => new RestClient(server, { authorization: `Bearer ${token}` }, base);

function expectEnvelope(body: Record<string, unknown>, status: number) {
  expect(body).toMatchObject({ message: expect.any(String), description: expect.any(String), moreInfo: '', error: expect.any(Array) });
  expect(typeof body.code).toBe('number');
  if (status < 401 || status > 403) expect(body.code).toBe(status);
}

describe('Bearer tokens', () => {
  it('no credentials → 401, WSO2 code 900902, Bearer challenge without an error attribute (RFC 6750 §3)', async () => {
    for (const [base, path] of [
      [DEVPORTAL, '/applications'],
      [PUBLISHER, '/apis'],
      [ADMIN, '/users'],
    ] as const) {
      const res = await anonymous(server, base).get(path);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(900902);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
      expectEnvelope(res.body, 401);
    }
  });

  it('a garbage, unsupported-scheme, revoked or expired token → 401 invalid_token (900901)', async () => {
    const { token } = await restUser(server);
    for (const header of ['Bearer garbage', 'Bearer gat_0000000000000000000000000000000000000000000000000', 'Bearer a.b.c']) {
      const res = await new RestClient(server, { authorization: header }).get('/applications');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(900901);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    const wrongScheme = await new RestClient(server, { authorization: basic('admin', 'x') }).get('/applications');
    expect(wrongScheme.status).toBe(401);
    expect(wrongScheme.body.code).toBe(900902);

    expect((await bearer(token).get('/applications')).status).toBe(200);
    server.clock.advance(3601_000);
    try {
      expect((await bearer(token).get('/applications')).status).toBe(401);
    } finally {
      server.clock.advance(-3601_000);
    }
    const record = await server.services.tokens.resolve(token);
    await server.services.changes.run((tx, emit) => server.services.tokens.revoke(tx, emit, { jti: record!.record.jti }));
    expect((await bearer(token).get('/applications')).status).toBe(401);
  });

  it('an application token (no user) cannot call the REST APIs', async () => {
    const app = await anAppWithKeys(server.services);
    const token = await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.client.consumerKey, app.secret) });
    const res = await bearer(String(token.body.access_token)).get('/applications');
    expect(res.status).toBe(401);
  });

  it("a disabled user's token stops working", async () => {
    const { user, devportal } = await restUser(server);
    await server.services.users.setDisabled(user.id, true);
    expect((await devportal.get('/applications')).status).toBe(401);
  });

  it('missing scope → 403 with WSO2 code 900910; scopes are limited by role, also after issuance', async () => {
    const narrow = await restUser(server, ['subscriber'], ['apim:sub_manage']);
    const res = await narrow.devportal.get('/applications');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(900910);
    expect(String(res.body.description)).toContain('apim:subscribe');
    expect((await narrow.devportal.get('/subscriptions?applicationId=x')).status).toBe(404);

    const subscriber = await restUser(server, ['subscriber']);
    expect((await subscriber.publisher.get('/apis')).status).toBe(403);
    expect((await subscriber.admin.get('/users')).status).toBe(403);

    const publisher = await restUser(server, ['publisher', 'subscriber']);
    expect((await publisher.publisher.get('/apis')).status).toBe(200);
    await server.services.users.setRoles(publisher.user.id, ['subscriber']);
    expect((await publisher.publisher.get('/apis')).status).toBe(403);
    expect((await publisher.devportal.get('/applications')).status).toBe(200);
  });

  it('authentication runs before the body is read: an anonymous bad request is 401, not 400', async () => {
    const res = await anonymous(server).post('/applications', '{not json');
    expect(res.status).toBe(401);
  });
});

describe('the portal session cookie', () => {
  async function session(roles: Array<'subscriber' | 'publisher'> = ['subscriber']) {
    const { user } = await restUser(server, roles);
    const { token, csrfToken } = await server.services.sessions.create(user.id);
    return { cookie: `${sessionCookieName(false)}=${token}`, csrf: csrfToken };
  }

  it('reads with the cookie alone; changes need X-CSRF-Token and a same-origin request (P01)', async () => {
    const { cookie, csrf } = await session();
    const client = new RestClient(server, { cookie });
    expect((await client.get('/applications')).status).toBe(200);

    const noCsrf = await client.post('/applications', { name: 'cookie-app' });
    expect(noCsrf.status).toBe(403);
    const wrongCsrf = await client.post('/applications', { name: 'cookie-app' }, { 'x-csrf-token': 'nope' });
    expect(wrongCsrf.status).toBe(403);
    const crossSite = await client.post('/applications', { name: 'cookie-app' }, { 'x-csrf-token': csrf, origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await client.get('/applications')).body.count).toBe(0);

    const ok = await client.post('/applications', { name: 'cookie-app' }, { 'x-csrf-token': csrf, origin: server.control });
    expect(ok.status).toBe(201);
  });

  it("the cookie carries the role's scopes: a subscriber session cannot use the publisher API", async () => {
    const { cookie } = await session(['subscriber']);
    expect((await new RestClient(server, { cookie }, PUBLISHER).get('/apis')).status).toBe(403);
    const publisher = await session(['publisher']);
    expect((await new RestClient(server, { cookie: publisher.cookie }, PUBLISHER).get('/apis')).status).toBe(200);
  });

  it('an unknown or expired session is anonymous', async () => {
    const client = new RestClient(server, { cookie: `${sessionCookieName(false)}=gss_bogus` });
    expect((await client.get('/applications')).status).toBe(401);
    expect((await client.get('/apis')).status).toBe(200);
  });
});

describe('anonymous access and the error envelope', () => {
  it('published APIs, tiers and the OpenAPI documents are public; an invalid token there is still 401', async () => {
    for (const path of ['/apis', '/throttling-policies/application', '/openapi.json']) {
      expect((await anonymous(server).get(path)).status).toBe(200);
    }
    expect((await new RestClient(server, { authorization: 'Bearer nope' }).get('/apis')).status).toBe(401);
  });

  it('unknown resources, malformed JSON, wrong media types and oversized bodies answer in the WSO2 envelope', async () => {
    const { devportal } = await restUser(server);
    const unknown = await devportal.get('/nothing-here');
    expect(unknown.status).toBe(404);
    expectEnvelope(unknown.body, 404);

    const malformed = await devportal.post('/applications', '{"name": ');
    expect(malformed.status).toBe(400);
    expectEnvelope(malformed.body, 400);
    expect(malformed.body.error[0]!.message).toBe('body');

    const form = await devportal.request('POST', '/applications', undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect([400, 415]).toContain(form.status);
    const formWithBody = await fetch(`${server.control}${DEVPORTAL}/applications`, {
      method: 'POST',
      headers: { authorization: devportal.headers.authorization!, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=x',
    });
    expect(formWithBody.status).toBe(415);
    expectEnvelope((await formWithBody.json()) as Record<string, unknown>, 415);

    const huge = await devportal.post('/applications', { name: 'x', description: 'y'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expectEnvelope(huge.body, 413);

    const notObject = await devportal.post('/applications', [1, 2]);
    expect(notObject.status).toBe(400);
    expect(notObject.body.error[0]!.message).toBe('body');
  });

  it('every response is no-store', async () => {
    const { devportal } = await restUser(server);
    expect((await devportal.get('/applications')).headers.get('cache-control')).toBe('no-store');
    expect((await devportal.get('/nope')).headers.get('cache-control')).toBe('no-store');
  });
});

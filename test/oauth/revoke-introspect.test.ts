import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAppWithKeys, PASSWORD, type AppWithKeys } from '../support/fixtures.ts';
import { basic, decodeJwt, postForm } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';

/** Security cases 1C: revocation (RFC 7009, R01–R06) and introspection (RFC 7662, R07–R08). */

let server: TestServer;
let jwtApp: AppWithKeys;
let opaqueApp: AppWithKeys;
const url = (path: string) => `${server.control}${path}`;
const auth = (app: AppWithKeys) => ({ authorization: basic(app.client.consumerKey, app.secret) });

async function token(app: AppWithKeys, grant: 'client_credentials' | 'password' = 'client_credentials') {
  const extra: Record<string, string> = grant === 'password' ? { username: app.user.username, password: PASSWORD } : {};
  const res = await postForm(url('/oauth2/token'), { grant_type: grant, ...extra }, auth(app));
  return { access: String(res.body.access_token), refresh: res.body.refresh_token as string | undefined };
}
const introspect = (app: AppWithKeys, t: string) => postForm(url('/oauth2/introspect'), { token: t }, auth(app));

beforeAll(async () => {
  server = await startTestServer();
  jwtApp = await anAppWithKeys(server.services);
  opaqueApp = await anAppWithKeys(server.services, { tokenType: 'OAUTH' });
});
afterAll(async () => server?.close());

describe('revocation', () => {
  it('R01 without client authentication or with a wrong secret → 401 invalid_client, never a silent 200', async () => {
    const { access } = await token(jwtApp);
    const none = await postForm(url('/oauth2/revoke'), { token: access });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');
    const wrong = await postForm(url('/oauth2/revoke'), { token: access }, { authorization: basic(jwtApp.client.consumerKey, 'nope') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await introspect(jwtApp, access)).body.active).toBe(true);
  });

  it('R02 garbage, expired and already-revoked tokens answer 200 with an empty body; a wrong hint still revokes', async () => {
    for (const t of ['garbage', 'gat_notreallyatoken', 'a.b.c']) {
      const res = await postForm(url('/oauth2/revoke'), { token: t }, auth(jwtApp));
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    }
    for (const [app, hint] of [
      [jwtApp, 'refresh_token'],
      [opaqueApp, 'foo'],
    ] as const) {
      const { access } = await token(app);
      expect((await postForm(url('/oauth2/revoke'), { token: access, token_type_hint: hint }, auth(app))).status).toBe(200);
      expect((await introspect(app, access)).body).toEqual({ active: false });
      expect((await postForm(url('/oauth2/revoke'), { token: access }, auth(app))).status).toBe(200);
    }
  });

  it("R03 a client cannot revoke another client's token: refused, and the token stays valid", async () => {
    const { access } = await token(opaqueApp);
    const res = await postForm(url('/oauth2/revoke'), { token: access }, auth(jwtApp));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect((await introspect(opaqueApp, access)).body.active).toBe(true);
  });

  it("R04 no token parameter → 400 invalid_request naming it", async () => {
    const res = await postForm(url('/oauth2/revoke'), { token_type_hint: 'access_token' }, auth(jwtApp));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', error_description: "missing required parameter 'token'" });
  });

  it('R05 revoking a refresh token revokes the access tokens of its grant', async () => {
    for (const app of [jwtApp, opaqueApp]) {
      const { access, refresh } = await token(app, 'password');
      await postForm(url('/oauth2/revoke'), { token: refresh!, token_type_hint: 'refresh_token' }, auth(app));
      expect((await introspect(app, access)).body).toEqual({ active: false });
    }
  });

  it('R06 revoking a JWT marks its jti revoked in the store, where gateways look it up', async () => {
    const { access } = await token(jwtApp);
    await postForm(url('/oauth2/revoke'), { token: access }, auth(jwtApp));
    const record = await server.services.store.tokens.findAccessTokenByJti(String(decodeJwt(access).payload.jti));
    expect(record?.revokedAt).toEqual(expect.any(Number));
  });
});

describe('introspection', () => {
  it('R07 without credentials → 401', async () => {
    const { access } = await token(jwtApp);
    const res = await postForm(url('/oauth2/introspect'), { token: access });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('R08 garbage, expired, revoked, consumed, foreign, codes and tampered JWTs → exactly {"active": false}, no-store', async () => {
    const other = await anAppWithKeys(server.services);
    const { access: foreign } = await token(other);
    const { access: revoked } = await token(jwtApp);
    await postForm(url('/oauth2/revoke'), { token: revoked }, auth(jwtApp));
    const { refresh: consumedRt } = await token(jwtApp, 'password');
    await postForm(url('/oauth2/token'), { grant_type: 'refresh_token', refresh_token: consumedRt! }, auth(jwtApp));
    const { access: good } = await token(jwtApp);
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = [h, Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url'), s].join('.');
    const shortLived = await anAppWithKeys(server.services, { tokenType: 'OAUTH', settings: { appTokenTtlSeconds: 1 } });
    const { access: expiring } = await token(shortLived);

    for (const [app, t] of [
      [jwtApp, 'total garbage'],
      [jwtApp, revoked],
      [jwtApp, consumedRt!],
      [jwtApp, foreign],
      [jwtApp, 'gac_abc'],
      [jwtApp, tampered],
    ] as const) {
      const res = await introspect(app, t);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    server.clock.advance(2000);
    try {
      expect((await introspect(shortLived, expiring)).body).toEqual({ active: false });
    } finally {
      server.clock.advance(-2000);
    }
  });

  it('an admin user may introspect any token with Basic credentials (as WSO2 gateways do); others may not', async () => {
    const { access } = await token(opaqueApp);
    const asAdmin = await postForm(url('/oauth2/introspect'), { token: access }, { authorization: basic('admin', ADMIN_PASSWORD) });
    expect(asAdmin.body).toMatchObject({ active: true, client_id: opaqueApp.client.consumerKey });
    const asUser = await postForm(url('/oauth2/introspect'), { token: access }, { authorization: basic(opaqueApp.user.username, PASSWORD) });
    expect(asUser.status).toBe(401);
  });

  it('an active refresh token introspects as such', async () => {
    const { refresh } = await token(jwtApp, 'password');
    const res = await introspect(jwtApp, refresh!);
    expect(res.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: jwtApp.client.consumerKey });
  });
});

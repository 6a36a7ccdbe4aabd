import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_PREFIXES } from '../../src/core/credentials.ts';
import { aPublishedApi, anAppWithKeys, aUser, PASSWORD, subscribe, type AppWithKeys } from '../support/fixtures.ts';
import { basic, decodeJwt, postForm } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';

/** Security cases 1B (T13, T20–T23, T27, T29): grants, refresh rotation, scopes and validity. */

let server: TestServer;
let tokenUrl: string;
let introspectUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  tokenUrl = `${server.control}/oauth2/token`;
  introspectUrl = `${server.control}/oauth2/introspect`;
});
afterAll(async () => server?.close());

const auth = (app: AppWithKeys) => ({ authorization: basic(app.client.consumerKey, app.secret) });
const passwordGrant = (app: AppWithKeys, extra: Record<string, string> = {}) =>
  postForm(tokenUrl, { grant_type: 'password', username: app.user.username, password: PASSWORD, ...extra }, auth(app));
const refresh = (app: AppWithKeys, token: string, extra: Record<string, string> = {}) =>
  postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: token, ...extra }, auth(app));
const active = async (app: AppWithKeys, token: string) => (await postForm(introspectUrl, { token }, auth(app))).body.active;

describe('token endpoint: grants, scopes and validity', () => {
  it('issues an RFC 9068 JWT with the SPEC §4 claims for a JWT application', async () => {
    const app = await anAppWithKeys(server.services);
    const res = await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth(app));
    expect(res.status).toBe(200);
    const { header, payload } = decodeJwt(String(res.body.access_token));
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(typeof header.kid).toBe('string');
    expect(payload).toMatchObject({
      iss: server.control,
      sub: app.client.consumerKey,
      aud: app.client.consumerKey,
      azp: app.client.consumerKey,
      client_id: app.client.consumerKey,
      scope: 'default',
      aut: 'APPLICATION',
      keytype: 'PRODUCTION',
    });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
    expect(payload.nbf).toBe(payload.iat);
    expect(typeof payload.jti).toBe('string');
  });

  it('issues an opaque, prefixed token for an OAUTH application, and a user token carries the user', async () => {
    const app = await anAppWithKeys(server.services, { tokenType: 'OAUTH', keyType: 'SANDBOX' });
    const res = await passwordGrant(app);
    expect(String(res.body.access_token).startsWith(CREDENTIAL_PREFIXES.accessToken)).toBe(true);
    const info = await postForm(introspectUrl, { token: String(res.body.access_token) }, auth(app));
    expect(info.body).toMatchObject({ active: true, username: app.user.username, sub: app.user.id, aut: 'APPLICATION_USER', keytype: 'SANDBOX' });
  });

  it('T13 scopes: only those of subscribed APIs (and, for users, their roles) are granted; none left → default', async () => {
    const api = await aPublishedApi(server.services, {
      scopes: [{ name: 'orders:read' }, { name: 'orders:admin', bindings: ['admin'] }, { name: 'orders:sub', bindings: ['subscriber'] }],
    });
    const app = await anAppWithKeys(server.services);
    const before = await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'orders:read' }, auth(app));
    expect(before.body.scope).toBe('default');
    await subscribe(server.services, app, api);
    const appToken = await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'orders:read orders:sub unknown' }, auth(app));
    expect(appToken.body.scope).toBe('orders:read orders:sub');
    const userToken = await passwordGrant(app, { scope: 'orders:read orders:admin orders:sub unknown' });
    expect(userToken.body.scope).toBe('orders:read orders:sub');
  });

  it("T31 a role-bound scope reaches an application token only if the application's owner holds the role (every grant)", async () => {
    const api = await aPublishedApi(server.services, { scopes: [{ name: 'read_alpha' }, { name: 'adm_alpha', bindings: ['admin'] }] });
    const requested = { scope: 'read_alpha adm_alpha' };
    const subscriberApp = await anAppWithKeys(server.services);
    await subscribe(server.services, subscriberApp, api);
    const cc = await postForm(tokenUrl, { grant_type: 'client_credentials', ...requested }, auth(subscriberApp));
    expect(cc.status).toBe(200);
    expect(cc.body.scope).toBe('read_alpha');
    expect(decodeJwt(String(cc.body.access_token)).payload.scope).toBe('read_alpha');
    const password = await passwordGrant(subscriberApp, requested);
    expect(password.body.scope).toBe('read_alpha');
    expect((await refresh(subscriberApp, String(password.body.refresh_token))).body.scope).toBe('read_alpha');

    // An application refresh token (WSO2 issues them for migrated grants): refreshing re-checks the owner.
    const legacy = await server.services.tokens.issue({
      client: subscriberApp.client,
      tokenType: 'JWT',
      user: null,
      scopes: ['read_alpha', 'adm_alpha'],
      grantId: 'legacy-app-grant',
      ttlSeconds: 3600,
      withRefreshToken: true,
    });
    const refreshed = await refresh(subscriberApp, String(legacy.refreshToken));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('read_alpha');

    const adminApp = await anAppWithKeys(server.services, { user: await aUser(server.services, ['admin']) });
    await subscribe(server.services, adminApp, api);
    const adminCc = await postForm(tokenUrl, { grant_type: 'client_credentials', ...requested }, auth(adminApp));
    expect(adminCc.body.scope).toBe('read_alpha adm_alpha');
    // The owner loses the role: the next application token drops the scope.
    await server.services.users.setRoles(adminApp.user.id, ['subscriber']);
    expect((await postForm(tokenUrl, { grant_type: 'client_credentials', ...requested }, auth(adminApp))).body.scope).toBe('read_alpha');
  });

  it('T20 a refresh token past its expiry, or revoked, → invalid_grant', async () => {
    const app = await anAppWithKeys(server.services, { settings: { refreshTokenTtlSeconds: 60 } });
    const first = await passwordGrant(app);
    server.clock.advance(61_000);
    try {
      const expired = await refresh(app, String(first.body.refresh_token));
      expect(expired.status).toBe(400);
      expect(expired.body.error).toBe('invalid_grant');
    } finally {
      server.clock.advance(-61_000);
    }
    const second = await passwordGrant(app);
    expect((await postForm(`${server.control}/oauth2/revoke`, { token: String(second.body.refresh_token) }, auth(app))).status).toBe(200);
    const revoked = await refresh(app, String(second.body.refresh_token));
    expect(revoked.body.error).toBe('invalid_grant');
  });

  it("T21 another client's refresh token → invalid_grant (and it stays usable by its owner)", async () => {
    const a = await anAppWithKeys(server.services);
    const b = await anAppWithKeys(server.services);
    const token = String((await passwordGrant(a)).body.refresh_token);
    const stolen = await refresh(b, token);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await refresh(a, token)).status).toBe(200);
  });

  it('T22 refreshing with a wider scope → invalid_scope; a narrower one is granted', async () => {
    const api = await aPublishedApi(server.services, { scopes: [{ name: 'w:a' }, { name: 'w:b' }, { name: 'w:c' }] });
    const app = await anAppWithKeys(server.services);
    await subscribe(server.services, app, api);
    const first = await passwordGrant(app, { scope: 'w:a w:b' });
    const wider = await refresh(app, String(first.body.refresh_token), { scope: 'w:a w:c' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
    const narrower = await refresh(app, String(first.body.refresh_token), { scope: 'w:a' });
    expect(narrower.status).toBe(200);
    expect(narrower.body.scope).toBe('w:a');
    // RFC 6749 §6: the new refresh token still carries the original grant.
    const again = await refresh(app, String(narrower.body.refresh_token), { scope: 'w:a w:b' });
    expect(again.status).toBe(200);
    expect(again.body.scope).toBe('w:a w:b');
  });

  it('T23 rotation: RT1 → RT2; replaying RT1 fails and revokes RT2 and every access token of the grant', async () => {
    const app = await anAppWithKeys(server.services, { tokenType: 'OAUTH' });
    const first = await passwordGrant(app);
    const second = await refresh(app, String(first.body.refresh_token));
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const replay = await refresh(app, String(first.body.refresh_token));
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(await active(app, String(second.body.refresh_token))).toBe(false);
    expect(await active(app, String(second.body.access_token))).toBe(false);
    expect(await active(app, String(first.body.access_token))).toBe(false);
  });

  it('C01 parallel refreshes with one refresh token: exactly one succeeds', async () => {
    const app = await anAppWithKeys(server.services);
    const first = await passwordGrant(app);
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(app, String(first.body.refresh_token))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant')).toBe(true);
  });

  it('T27 an application token cannot pass for a user: sub is the client and aut says APPLICATION', async () => {
    const app = await anAppWithKeys(server.services);
    const appJwt = decodeJwt(String((await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth(app))).body.access_token)).payload;
    const userJwt = decodeJwt(String((await passwordGrant(app)).body.access_token)).payload;
    expect(appJwt).toMatchObject({ sub: app.client.consumerKey, aut: 'APPLICATION' });
    expect(userJwt).toMatchObject({ sub: app.user.id, aut: 'APPLICATION_USER' });
    expect(app.client.consumerKey).not.toBe(app.user.id);
  });

  it('T29 (SPEC wins) negative validity → a never-expiring token: a JWT without exp, no expires_in, still revocable', async () => {
    const app = await anAppWithKeys(server.services, { settings: { appTokenTtlSeconds: -1 } });
    const res = await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth(app));
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBeUndefined();
    const token = String(res.body.access_token);
    expect(decodeJwt(token).payload.exp).toBeUndefined();
    server.clock.advance(10 * 365 * 86400_000);
    try {
      expect(await active(app, token)).toBe(true);
    } finally {
      server.clock.advance(-10 * 365 * 86400_000);
    }
    await postForm(`${server.control}/oauth2/revoke`, { token }, auth(app));
    expect(await active(app, token)).toBe(false);
  });

  it('T29 refresh tokens always expire: a negative refresh validity is refused at key generation', async () => {
    await expect(anAppWithKeys(server.services, { settings: { refreshTokenTtlSeconds: -1 } })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'refresh_token_expiry_time',
    });
  });

  it("disabling a user revokes their tokens and their applications' tokens; their keys stop authenticating", async () => {
    const app = await anAppWithKeys(server.services);
    const userToken = String((await passwordGrant(app)).body.access_token);
    const appToken = String((await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth(app))).body.access_token);
    const other = await anAppWithKeys(server.services);
    const otherToken = String((await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth(other))).body.access_token);
    await server.services.users.setDisabled(app.user.id, true);
    const asAdmin = async (token: string) =>
      (await postForm(introspectUrl, { token }, { authorization: basic('admin', ADMIN_PASSWORD) })).body.active;
    expect(await asAdmin(userToken)).toBe(false);
    expect(await asAdmin(appToken)).toBe(false);
    expect(await asAdmin(otherToken)).toBe(true);
    const refused = await postForm(tokenUrl, { grant_type: 'client_credentials' }, auth(app));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });

  it('a token authenticated just before its secret is regenerated is refused, not issued alive', async () => {
    const app = await anAppWithKeys(server.services);
    // Issuance prepares outside the transaction; regeneration commits in between.
    const prepared = await server.services.tokens.prepare({
      client: app.client,
      tokenType: 'OAUTH',
      user: null,
      scopes: ['default'],
      grantId: 'race',
      ttlSeconds: 3600,
      withRefreshToken: false,
    });
    await server.services.clients.regenerateSecret(app.client);
    await expect(server.services.changes.run((tx, emit) => server.services.tokens.persist(tx, emit, prepared))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await server.services.store.tokens.findAccessTokenByJti(prepared.record.jti)).toBeNull();
  });
});

describe('validity policy set by the admin', () => {
  it('a cap shortens long and never-expiring tokens; forbidding never-expiring refuses negative key defaults', async () => {
    const capped = await startTestServer({ GATEHOUSE_MAX_TOKEN_VALIDITY: '600' });
    try {
      const app = await anAppWithKeys(capped.services, { settings: { appTokenTtlSeconds: -1 } });
      const res = await postForm(`${capped.control}/oauth2/token`, { grant_type: 'client_credentials' }, auth(app));
      expect(res.body.expires_in).toBe(600);
    } finally {
      await capped.close();
    }
    const strict = await startTestServer({ GATEHOUSE_ALLOW_NEVER_EXPIRING_TOKENS: 'false' });
    try {
      await expect(anAppWithKeys(strict.services, { settings: { appTokenTtlSeconds: -1 } })).rejects.toMatchObject({
        field: 'application_access_token_expiry_time',
      });
      const app = await anAppWithKeys(strict.services);
      await expect(strict.services.apiKeys.generate(app.user.id, app.application.id, 'PRODUCTION', { validityPeriod: -1 })).rejects.toMatchObject({
        field: 'validityPeriod',
      });
    } finally {
      await strict.close();
    }
  });
});

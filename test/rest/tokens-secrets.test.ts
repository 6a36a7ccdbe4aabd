import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPublishedApi } from '../support/fixtures.ts';
import { basic, decodeJwt, postForm } from '../support/http.ts';
import { items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** generate-token, regenerate-secret and the multiple-secret rotation API (WSO2 4.7). */

let server: TestServer;
let alice: RestUser;
let bob: RestUser;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([restUser(server), restUser(server)]);
});
afterAll(async () => server?.close());

interface Keys {
  appId: string;
  mapping: string;
  consumerKey: string;
  secret: string;
  base: string;
}

async function keysFor(tokenType: 'JWT' | 'OAUTH' = 'JWT', grants: string[] = ['client_credentials']): Promise<Keys> {
  const app = await alice.devportal.post('/applications', { name: `t-${Math.random().toString(36).slice(2, 10)}`, tokenType });
  const appId = String(app.body.applicationId);
  const keys = await alice.devportal.post(`/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: grants });
  const mapping = String(keys.body.keyMappingId);
  return { appId, mapping, consumerKey: String(keys.body.consumerKey), secret: String(keys.body.consumerSecret), base: `/applications/${appId}/oauth-keys/${mapping}` };
}

const clientToken = (keys: Keys, secret = keys.secret) =>
  postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(keys.consumerKey, secret) });

describe('generate-token', () => {
  it('validityPeriod sets exp; scopes keep only those of subscribed APIs; a negative period never expires', async () => {
    const api = await aPublishedApi(server.services, { scopes: [{ name: 'menu_read' }] });
    const keys = await keysFor();
    await alice.devportal.post('/subscriptions', { applicationId: keys.appId, apiId: api.id, throttlingPolicy: 'Gold' });
    const res = await alice.devportal.post(`${keys.base}/generate-token`, { consumerSecret: keys.secret, validityPeriod: '900', scopes: ['menu_read', 'admin_everything'], grantType: 'CLIENT_CREDENTIALS' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ tokenScopes: ['menu_read'], validityTime: 900 });
    const { payload } = decodeJwt(String(res.body.accessToken));
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);

    const none = await alice.devportal.post(`${keys.base}/generate-token`, { scopes: ['unknown'] });
    expect(none.body.tokenScopes).toEqual(['default']);
    expect(none.body.validityTime).toBe(3600);

    const forever = await alice.devportal.post(`${keys.base}/generate-token`, { validityPeriod: -1 });
    expect(forever.body.validityTime).toBe(-1);
    expect(decodeJwt(String(forever.body.accessToken)).payload.exp).toBeUndefined();
    server.clock.advance(400 * 86_400_000);
    try {
      expect((await server.services.tokens.resolve(String(forever.body.accessToken)))!.active).toBe(true);
    } finally {
      server.clock.advance(-400 * 86_400_000);
    }
  });

  it("T31 generate-token grants a role-bound scope only if the application's owner holds the role", async () => {
    const api = await aPublishedApi(server.services, { scopes: [{ name: 'read_alpha' }, { name: 'adm_alpha', bindings: ['admin'] }] });
    const keys = await keysFor();
    await alice.devportal.post('/subscriptions', { applicationId: keys.appId, apiId: api.id, throttlingPolicy: 'Gold' });
    const res = await alice.devportal.post(`${keys.base}/generate-token`, { scopes: ['read_alpha', 'adm_alpha'] });
    expect(res.status).toBe(200);
    expect(res.body.tokenScopes).toEqual(['read_alpha']);
    expect(decodeJwt(String(res.body.accessToken)).payload.scope).toBe('read_alpha');

    const admin = await restUser(server, ['admin']);
    const app = await admin.devportal.post('/applications', { name: 'admin-owned', tokenType: 'JWT' });
    const adminKeys = await admin.devportal.post(`/applications/${app.body.applicationId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    await admin.devportal.post('/subscriptions', { applicationId: app.body.applicationId, apiId: api.id, throttlingPolicy: 'Gold' });
    const granted = await admin.devportal.post(`/applications/${app.body.applicationId}/oauth-keys/${adminKeys.body.keyMappingId}/generate-token`, {
      scopes: ['read_alpha', 'adm_alpha'],
    });
    expect(granted.body.tokenScopes).toEqual(['read_alpha', 'adm_alpha']);
  });

  it('T32 a validityPeriod above 10 years → 400 naming it (1e11 would expire in 5195); 10 years exactly is accepted', async () => {
    const keys = await keysFor();
    for (const validityPeriod of [1e11, '100000000000', 315_360_001]) {
      const res = await alice.devportal.post(`${keys.base}/generate-token`, { validityPeriod });
      expect(res.status).toBe(400);
      expect(res.body.error[0]).toMatchObject({ message: 'validityPeriod', description: expect.stringMatching(/at most 315360000 seconds \(10 years\)/) });
    }
    const longest = await alice.devportal.post(`${keys.base}/generate-token`, { validityPeriod: 315_360_000 });
    expect(longest.body.validityTime).toBe(315_360_000);
    const { payload } = decodeJwt(String(longest.body.accessToken));
    expect(Number(payload.exp) - Number(payload.iat)).toBe(315_360_000);
  });

  it("T19 generate-token's consumerSecret check shares the client-secret throttle: 429 with Retry-After after 50 wrong ones", async () => {
    const keys = await keysFor();
    for (let i = 0; i < 50; i++) {
      expect((await alice.devportal.post(`${keys.base}/generate-token`, { consumerSecret: `gcs_wrong${i}` })).status).toBe(400);
    }
    const throttled = await alice.devportal.post(`${keys.base}/generate-token`, { consumerSecret: keys.secret });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.body).toMatchObject({ code: 429, message: 'Too Many Requests' });
    // The token endpoint counts the same failures for this client and address.
    expect((await clientToken(keys)).status).toBe(429);
  });

  it('an OAUTH application gets opaque tokens', async () => {
    const keys = await keysFor('OAUTH');
    const res = await alice.devportal.post(`${keys.base}/generate-token`, { validityPeriod: 60 });
    expect(String(res.body.accessToken)).toMatch(/^gat_/);
    expect(res.body.validityTime).toBe(60);
  });

  it('revokeToken revokes the old token of this key, and only of this key', async () => {
    const keys = await keysFor();
    const other = await keysFor();
    const first = await alice.devportal.post(`${keys.base}/generate-token`, {});
    const foreign = await alice.devportal.post(`${other.base}/generate-token`, {});
    const second = await alice.devportal.post(`${keys.base}/generate-token`, { revokeToken: first.body.accessToken });
    expect(second.status).toBe(200);
    expect((await server.services.tokens.resolve(String(first.body.accessToken)))!.active).toBe(false);
    expect((await server.services.tokens.resolve(String(second.body.accessToken)))!.active).toBe(true);
    await alice.devportal.post(`${keys.base}/generate-token`, { revokeToken: foreign.body.accessToken });
    expect((await server.services.tokens.resolve(String(foreign.body.accessToken)))!.active).toBe(true);
    expect((await alice.devportal.post(`${keys.base}/generate-token`, { revokeToken: 'garbage' })).status).toBe(200);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['zero validity', { validityPeriod: 0 }, 'validityPeriod'],
    ['non-numeric validity', { validityPeriod: 'long' }, 'validityPeriod'],
    ['a wrong consumer secret', { consumerSecret: 'gcs_wrong' }, 'consumerSecret'],
    ['an unsupported grant type', { grantType: 'TOKEN_EXCHANGE' }, 'grantType'],
    ['scopes of the wrong type', { scopes: 'a b' }, 'scopes'],
    ['an unknown field', { lifetime: 5 }, 'lifetime'],
  ];
  for (const [label, body, field] of invalid) {
    it(`400 naming the field: ${label}`, async () => {
      const keys = await keysFor();
      const res = await alice.devportal.post(`${keys.base}/generate-token`, body);
      expect(res.status).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
    });
  }

  it('keys without the client_credentials grant cannot mint application tokens', async () => {
    const keys = await keysFor('JWT', ['password']);
    const res = await alice.devportal.post(`${keys.base}/generate-token`, {});
    expect(res.status).toBe(400);
    expect(res.body.error[0]!.message).toBe('grantType');
  });

  it('never-expiring tokens can be forbidden by the server (GATEHOUSE_ALLOW_NEVER_EXPIRING_TOKENS=false)', async () => {
    const strict = await startTestServer({ GATEHOUSE_ALLOW_NEVER_EXPIRING_TOKENS: 'false' });
    try {
      const user = await restUser(strict);
      const app = await user.devportal.post('/applications', { name: 'strict' });
      const keys = await user.devportal.post(`/applications/${app.body.applicationId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
      const res = await user.devportal.post(`/applications/${app.body.applicationId}/oauth-keys/${keys.body.keyMappingId}/generate-token`, { validityPeriod: -1 });
      expect(res.status).toBe(400);
      expect(res.body.error[0]!.message).toBe('validityPeriod');
    } finally {
      await strict.close();
    }
  });
});

describe('secrets', () => {
  it('regenerate-secret: new secret once, old secret and every old token dead', async () => {
    const keys = await keysFor();
    const token = await alice.devportal.post(`${keys.base}/generate-token`, {});
    const res = await alice.devportal.post(`${keys.base}/regenerate-secret`, undefined, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.consumerKey).toBe(keys.consumerKey);
    expect((await clientToken(keys)).status).toBe(401);
    expect((await clientToken(keys, String(res.body.consumerSecret))).status).toBe(200);
    expect((await server.services.tokens.resolve(String(token.body.accessToken)))!.active).toBe(false);
  });

  it('generate-secret adds a second live secret (rotation without downtime); secrets lists are masked; revoke-secret removes one', async () => {
    const keys = await keysFor();
    const added = await alice.devportal.post(`${keys.base}/generate-secret`, { additionalProperties: { description: 'rotation 2026', expiresIn: 86400 } });
    expect(added.status).toBe(201);
    expect(added.headers.get('cache-control')).toBe('no-store');
    expect(String(added.body.secretValue)).toMatch(/^gcs_/);
    expect(added.body.additionalProperties.description).toBe('rotation 2026');
    const expiresAt = Number(added.body.additionalProperties.expiresAt);
    expect(expiresAt - Math.floor(server.clock.now() / 1000)).toBeGreaterThan(86_000);
    expect((await clientToken(keys)).status).toBe(200);
    expect((await clientToken(keys, String(added.body.secretValue))).status).toBe(200);

    const list = await alice.devportal.get(`${keys.base}/secrets`);
    expect(list.body.count).toBe(2);
    expect(list.text).not.toContain(keys.secret);
    expect(list.text).not.toContain(String(added.body.secretValue));
    expect(items(list.body.list).every((s) => /^gcs_.{4}\*{8}$/.test(String(s.secretValue)))).toBe(true);

    const original = items(list.body.list).find((s) => s.secretId !== added.body.secretId)!;
    const revoked = await alice.devportal.post(`${keys.base}/revoke-secret`, { secretId: original.secretId });
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');
    expect((await clientToken(keys)).status).toBe(401);
    expect((await clientToken(keys, String(added.body.secretValue))).status).toBe(200);

    const last = await alice.devportal.post(`${keys.base}/revoke-secret`, { secretId: added.body.secretId });
    expect(last.status).toBe(400);
    expect(last.body.error[0]!.message).toBe('secretId');
    expect((await alice.devportal.post(`${keys.base}/revoke-secret`, { secretId: 'nope' })).status).toBe(404);
  });

  it('a secret with expiresIn stops working when it expires', async () => {
    const keys = await keysFor();
    const added = await alice.devportal.post(`${keys.base}/generate-secret`, { additionalProperties: { expiresIn: '60' } });
    server.clock.advance(61_000);
    try {
      expect((await clientToken(keys, String(added.body.secretValue))).status).toBe(401);
      expect((await clientToken(keys)).status).toBe(200);
    } finally {
      server.clock.advance(-61_000);
    }
  });

  it('validation and security of the secret routes', async () => {
    const keys = await keysFor();
    const bad = await alice.devportal.post(`${keys.base}/generate-secret`, { additionalProperties: { description: 'x', expiresIn: 'soon' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error[0]!.message).toBe('additionalProperties.expiresIn');
    const unknown = await alice.devportal.post(`${keys.base}/generate-secret`, { secretValue: 'gcs_mine' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error[0]!.message).toBe('secretValue');
    expect((await alice.devportal.post(`${keys.base}/revoke-secret`, {})).status).toBe(400);
    for (const res of [
      await bob.devportal.post(`${keys.base}/generate-secret`, {}),
      await bob.devportal.get(`${keys.base}/secrets`),
      await bob.devportal.post(`${keys.base}/revoke-secret`, { secretId: 'x' }),
      await bob.devportal.post(`${keys.base}/generate-token`, {}),
      await bob.devportal.post(`${keys.base}/regenerate-secret`),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await alice.devportal.get(`${keys.base}/secrets`)).body.count).toBe(1);
    expect((await fetch(`${server.control}/api/am/devportal/v3${keys.base}/secrets`)).status).toBe(401);
    const narrow = await restUser(server, ['subscriber'], ['apim:api_key']);
    expect((await narrow.devportal.post(`${keys.base}/generate-token`, {})).status).toBe(403);
  });
});

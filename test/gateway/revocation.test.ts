import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { scenario } from '../support/gateway.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** G16, C03, expiry and never-expiring tokens at the gateway; revocation takes effect on the next request. */

let server: TestServer;
let backend: TestBackend;

beforeAll(async () => {
  server = await startTestServer();
  backend = await startBackend();
});
afterAll(async () => {
  await server?.close();
  await backend?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('revocation reaches the gateway before the revoke call returns', () => {
  for (const tokenType of ['JWT', 'OAUTH'] as const) {
    it(`G16 a revoked ${tokenType} token is refused on the very next request`, async () => {
      const s = await scenario(server, { productionUrl: backend.url, tokenType });
      const token = await s.token();
      expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(200);
      const revoke = await postForm(`${server.control}/oauth2/revoke`, { token }, { authorization: basic(s.app.client.consumerKey, s.app.secret) });
      expect(revoke.status).toBe(200);
      const res = await s.call('/items/1', { headers: bearer(token) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });
  }

  it('G16 a revoked or regenerated API key is refused on the next request', async () => {
    const s = await scenario(server, { productionUrl: backend.url });
    const { value, key } = await server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(200);
    const renewed = await server.services.apiKeys.regenerate(s.app.user.id, s.app.application.id, 'PRODUCTION', key.id);
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(401);
    expect((await s.call('/items/1', { headers: { apikey: renewed.value } })).status).toBe(200);
    await server.services.apiKeys.revoke(s.app.user.id, s.app.application.id, 'PRODUCTION', { keyUUID: renewed.key.id });
    expect((await s.call('/items/1', { headers: { apikey: renewed.value } })).status).toBe(401);
  });

  it('regenerating the consumer secret, deleting keys, or deleting the application kills every token at once', async () => {
    for (const action of ['regenerate', 'delete-keys', 'delete-app'] as const) {
      const s = await scenario(server, { productionUrl: backend.url, tokenType: action === 'delete-keys' ? 'OAUTH' : 'JWT' });
      const tokens = [await s.token(), await s.token({ grant: 'password' })];
      if (action === 'regenerate') await server.services.clients.regenerateSecret(s.app.client);
      if (action === 'delete-keys') await server.services.clients.delete(s.app.client);
      if (action === 'delete-app') await server.services.applications.delete(s.app.user.id, s.app.application.id);
      for (const token of tokens) expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(401);
    }
  });

  it('C03 revoking while 50 requests are in flight: every request that starts after the revoke returned is refused', async () => {
    const s = await scenario(server, { productionUrl: backend.url, tokenType: 'OAUTH' });
    const token = await s.token();
    let revokedAt = Number.POSITIVE_INFINITY;
    const results: Array<{ startedAt: number; status: number }> = [];
    const worker = async () => {
      for (let i = 0; i < 20; i++) {
        const startedAt = performance.now();
        const res = await s.call('/items/1', { headers: bearer(token) });
        results.push({ startedAt, status: res.status });
      }
    };
    const load = Promise.all(Array.from({ length: 50 }, worker));
    await new Promise((r) => setTimeout(r, 50));
    await postForm(`${server.control}/oauth2/revoke`, { token }, { authorization: basic(s.app.client.consumerKey, s.app.secret) });
    revokedAt = performance.now();
    await load;
    const after = results.filter((r) => r.startedAt > revokedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.status === 401)).toBe(true);
  });
});

describe('expiry', () => {
  it('an expired opaque token and an expired JWT are refused; a never-expiring token is accepted years later', async () => {
    const shortLived = await scenario(server, { productionUrl: backend.url, tokenType: 'OAUTH', settings: { appTokenTtlSeconds: 60 } });
    const shortJwt = await scenario(server, { productionUrl: backend.url, settings: { appTokenTtlSeconds: 60 } });
    const forever = await scenario(server, { productionUrl: backend.url, settings: { appTokenTtlSeconds: -1 } });
    const tokens = { opaque: await shortLived.token(), jwt: await shortJwt.token(), forever: await forever.token() };
    server.clock.advance(61_000);
    try {
      expect((await shortLived.call('/items/1', { headers: bearer(tokens.opaque) })).status).toBe(401);
      const expired = await shortJwt.call('/items/1', { headers: bearer(tokens.jwt) });
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { description: string }).description).toBe('The access token expired');
      server.clock.advance(5 * 365 * 86_400_000);
      expect((await forever.call('/items/1', { headers: bearer(tokens.forever) })).status).toBe(200);
    } finally {
      server.clock.offsetMs = 0;
    }
  });

  it('an expired API key is refused; a never-expiring one works', async () => {
    const s = await scenario(server, { productionUrl: backend.url });
    const short = await server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { validityPeriod: 60 });
    const forever = await server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { validityPeriod: -1 });
    server.clock.advance(61_000);
    try {
      expect((await s.call('/items/1', { headers: { apikey: short.value } })).status).toBe(401);
      expect((await s.call('/items/1', { headers: { apikey: forever.value } })).status).toBe(200);
    } finally {
      server.clock.offsetMs = 0;
    }
  });

  it('J01 after the signing key that made a token is removed, the gateway refuses the token', async () => {
    const s = await scenario(server, { productionUrl: backend.url });
    const token = await s.token();
    expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(200);
    const old = server.services.keyRing.signingKey().kid;
    await server.services.keyRing.rotate();
    expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(200);
    const fresh = await s.token();
    expect((await s.call('/items/1', { headers: bearer(fresh) })).status).toBe(200);
    await server.services.keyRing.remove(old);
    expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(401);
    expect((await s.call('/items/1', { headers: bearer(fresh) })).status).toBe(200);
  });
});

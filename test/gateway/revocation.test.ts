import { describe, expect, it } from 'vitest';
import { scenario, serverAndBackend } from '../support/gateway.ts';
import { basic, postForm } from '../support/http.ts';

/** G16, C03, expiry and never-expiring tokens at the gateway; revocation takes effect on the next request. */

const ctx = serverAndBackend();

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('revocation reaches the gateway before the revoke call returns', () => {
  for (const tokenType of ['JWT', 'OAUTH'] as const) {
    it(`G16 a revoked ${tokenType} token is refused on the very next request`, async () => {
      const s = await scenario(ctx.server, { productionUrl: ctx.backend.url, tokenType });
      const token = await s.token();
      expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(200);
      const revoke = await postForm(`${ctx.server.control}/oauth2/revoke`, { token }, { authorization: basic(s.app.client.consumerKey, s.app.secret) });
      expect(revoke.status).toBe(200);
      const res = await s.call('/items/1', { headers: bearer(token) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    });
  }

  it('G16 a revoked or regenerated API key is refused on the next request', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    const { value, key } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(200);
    const renewed = await ctx.server.services.apiKeys.regenerate(s.app.user.id, s.app.application.id, 'PRODUCTION', key.id);
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(401);
    expect((await s.call('/items/1', { headers: { apikey: renewed.value } })).status).toBe(200);
    await ctx.server.services.apiKeys.revoke(s.app.user.id, s.app.application.id, 'PRODUCTION', { keyUUID: renewed.key.id });
    expect((await s.call('/items/1', { headers: { apikey: renewed.value } })).status).toBe(401);
  });

  it('regenerating the consumer secret, deleting keys, or deleting the application kills every token at once', async () => {
    for (const action of ['regenerate', 'delete-keys', 'delete-app'] as const) {
      const s = await scenario(ctx.server, { productionUrl: ctx.backend.url, tokenType: action === 'delete-keys' ? 'OAUTH' : 'JWT' });
      const tokens = [await s.token(), await s.token({ grant: 'password' })];
      if (action === 'regenerate') await ctx.server.services.clients.regenerateSecret(s.app.client);
      if (action === 'delete-keys') await ctx.server.services.clients.delete(s.app.client);
      if (action === 'delete-app') await ctx.server.services.applications.delete(s.app.user.id, s.app.application.id);
      for (const token of tokens) expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(401);
    }
  });

  it('C03 revoking while 50 requests are in flight: every request that starts after the revoke returned is refused', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url, tokenType: 'OAUTH' });
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
    await postForm(`${ctx.server.control}/oauth2/revoke`, { token }, { authorization: basic(s.app.client.consumerKey, s.app.secret) });
    revokedAt = performance.now();
    await load;
    const after = results.filter((r) => r.startedAt > revokedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.status === 401)).toBe(true);
  });
});

describe('expiry', () => {
  it('an expired opaque token and an expired JWT are refused; a never-expiring token is accepted years later', async () => {
    const shortLived = await scenario(ctx.server, { productionUrl: ctx.backend.url, tokenType: 'OAUTH', settings: { appTokenTtlSeconds: 60 } });
    const shortJwt = await scenario(ctx.server, { productionUrl: ctx.backend.url, settings: { appTokenTtlSeconds: 60 } });
    const forever = await scenario(ctx.server, { productionUrl: ctx.backend.url, settings: { appTokenTtlSeconds: -1 } });
    const tokens = { opaque: await shortLived.token(), jwt: await shortJwt.token(), forever: await forever.token() };
    ctx.server.clock.advance(61_000);
    try {
      expect((await shortLived.call('/items/1', { headers: bearer(tokens.opaque) })).status).toBe(401);
      const expired = await shortJwt.call('/items/1', { headers: bearer(tokens.jwt) });
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { description: string }).description).toBe('The access token expired');
      ctx.server.clock.advance(5 * 365 * 86_400_000);
      expect((await forever.call('/items/1', { headers: bearer(tokens.forever) })).status).toBe(200);
    } finally {
      ctx.server.clock.offsetMs = 0;
    }
  });

  it('an expired API key is refused; a never-expiring one works', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    const short = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { validityPeriod: 60 });
    const forever = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { validityPeriod: -1 });
    ctx.server.clock.advance(61_000);
    try {
      expect((await s.call('/items/1', { headers: { apikey: short.value } })).status).toBe(401);
      expect((await s.call('/items/1', { headers: { apikey: forever.value } })).status).toBe(200);
    } finally {
      ctx.server.clock.offsetMs = 0;
    }
  });

  it('J01 after the signing key that made a token is removed, the gateway refuses the token', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    const token = await s.token();
    expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(200);
    const old = ctx.server.services.keyRing.signingKey().kid;
    await ctx.server.services.keyRing.rotate();
    expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(200);
    const fresh = await s.token();
    expect((await s.call('/items/1', { headers: bearer(fresh) })).status).toBe(200);
    await ctx.server.services.keyRing.remove(old);
    expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(401);
    expect((await s.call('/items/1', { headers: bearer(fresh) })).status).toBe(200);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../support/backend.ts';
import { anAppWithKeys } from '../support/fixtures.ts';
import { scenario, type Scenario, serverAndBackend } from '../support/gateway.ts';
import { startTestServer } from '../support/server.ts';

/** G13–G15, G17: subscription, key type, scopes, token type and API-key restrictions. */

const ctx = serverAndBackend({ GATEHOUSE_TRUSTED_PROXIES: '127.0.0.1' });
let s: Scenario;
const scope = 'orders:read';

beforeAll(async () => {
  s = await scenario(ctx.server, { productionUrl: ctx.backend.url, scopes: [{ name: scope }, { name: 'orders:write' }] });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('resource scopes', () => {
  it('G14 a token without the resource scope → 403 insufficient_scope naming it; with it → 200', async () => {
    const without = await s.call('/items', { headers: bearer(await s.token()) });
    expect(without.status).toBe(403);
    expect(without.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="orders:read"/);
    expect(((await without.json()) as { code: string }).code).toBe('900910');
    const withScope = await s.call('/items', { headers: bearer(await s.token({ scope })) });
    expect(withScope.status).toBe(200);
  });

  it('any one of the resource scopes is enough (opaque tokens too)', async () => {
    const opaque = await scenario(ctx.server, { productionUrl: ctx.backend.url, tokenType: 'OAUTH', scopes: [{ name: 'o:a' }, { name: 'o:b' }], operations: [{ target: '/x', verb: 'GET', scopes: ['o:a', 'o:b'] }] });
    expect((await opaque.call('/x', { headers: bearer(await opaque.token({ scope: 'o:b' })) })).status).toBe(200);
    expect((await opaque.call('/x', { headers: bearer(await opaque.token()) })).status).toBe(403);
  });

  it('API keys carry no scopes: scoped resources refuse them, others accept them', async () => {
    const { value } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    expect((await s.call('/items', { headers: { apikey: value } })).status).toBe(403);
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(200);
  });
});

describe('subscriptions', () => {
  it('G15 a valid token or API key of an unsubscribed application → 403 900908', async () => {
    const other = await anAppWithKeys(ctx.server.services);
    const token = await s.token({ app: other });
    const res = await s.call('/items/1', { headers: bearer(token) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('900908');
    const { value } = await ctx.server.services.apiKeys.generate(other.user.id, other.application.id, 'PRODUCTION', {});
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(403);
  });

  it('G15 unsubscribing after issuance takes effect on the next call', async () => {
    const t = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    const token = await t.token();
    expect((await t.call('/items/1', { headers: bearer(token) })).status).toBe(200);
    const sub = ctx.server.services.store.subscriptions;
    const [subscription] = await sub.listByApplication(t.app.application.id);
    await ctx.server.services.subscriptions.unsubscribe(t.app.user.id, subscription!.id);
    expect((await t.call('/items/1', { headers: bearer(token) })).status).toBe(403);
  });

  it('a blocked subscription or API → 401 900907', async () => {
    const t = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    const token = await t.token();
    const [subscription] = await ctx.server.services.store.subscriptions.listByApplication(t.app.application.id);
    await ctx.server.services.changes.run(async (tx, emit) => {
      const updated = await tx.subscriptions.update(subscription!.id, { status: 'BLOCKED' });
      emit({ type: 'subscription.saved', subscription: updated! });
    });
    const blocked = await t.call('/items/1', { headers: bearer(token) });
    expect(blocked.status).toBe(401);
    expect(((await blocked.json()) as { code: string }).code).toBe('900907');

    const u = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    await ctx.server.services.apis.changeLifecycle(u.api.id, 'Block');
    expect((await u.call('/items/1', { headers: bearer(await u.token()) })).status).toBe(401);
  });
});

describe('token types and key types', () => {
  it('resources for Application tokens refuse user tokens with 900905', async () => {
    const user = await s.token({ grant: 'password' });
    const res = await s.call('/app-only', { headers: bearer(user) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('900905');
    expect((await s.call('/app-only', { headers: bearer(await s.token()) })).status).toBe(200);
  });

  it('G13 production credentials reach only production, sandbox only sandbox', async () => {
    const sandbox = await startBackend('sandbox');
    try {
      const prodApp = await scenario(ctx.server, { productionUrl: ctx.backend.url, sandboxUrl: sandbox.url });
      const sbxApp = await scenario(ctx.server, { productionUrl: ctx.backend.url, sandboxUrl: sandbox.url, keyType: 'SANDBOX' });
      expect((await prodApp.call('/items/1', { headers: bearer(await prodApp.token()) })).headers.get('x-backend')).toBe('backend');
      expect((await sbxApp.call('/items/1', { headers: bearer(await sbxApp.token()) })).headers.get('x-backend')).toBe('sandbox');
      const { value } = await ctx.server.services.apiKeys.generate(sbxApp.app.user.id, sbxApp.app.application.id, 'SANDBOX', {});
      expect((await sbxApp.call('/items/1', { headers: { apikey: value } })).headers.get('x-backend')).toBe('sandbox');
    } finally {
      await sandbox.close();
    }
  });

  it('an API offering only oauth2 ignores API keys; one offering only api_key refuses tokens', async () => {
    const oauthOnly = await scenario(ctx.server, { productionUrl: ctx.backend.url, securityScheme: ['oauth2'] });
    const { value } = await ctx.server.services.apiKeys.generate(oauthOnly.app.user.id, oauthOnly.app.application.id, 'PRODUCTION', {});
    expect((await oauthOnly.call('/items/1', { headers: { apikey: value } })).status).toBe(401);
    const keyOnly = await scenario(ctx.server, { productionUrl: ctx.backend.url, securityScheme: ['api_key'] });
    expect((await keyOnly.call('/items/1', { headers: bearer(await keyOnly.token()) })).status).toBe(401);
  });
});

describe('API key restrictions', () => {
  it('G17 IP/CIDR: refused from a disallowed address; X-Forwarded-For is believed only from trusted proxies', async () => {
    const { value } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { permittedIP: '10.1.0.0/16, 2001:db8::1' });
    // The test talks from 127.0.0.1, which this server trusts as a proxy: the forwarded address decides.
    const allowed = await s.call('/items/1', { headers: { apikey: value, 'x-forwarded-for': '10.1.2.3' } });
    expect(allowed.status).toBe(200);
    const refused = await s.call('/items/1', { headers: { apikey: value, 'x-forwarded-for': '10.2.0.1' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: '900908', message: 'Access forbidden for the invocations' });
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(403);

    const untrusting = await startTestServer();
    try {
      const t = await scenario(untrusting, { productionUrl: ctx.backend.url });
      const key = await untrusting.services.apiKeys.generate(t.app.user.id, t.app.application.id, 'PRODUCTION', { permittedIP: '10.1.0.0/16' });
      expect((await t.call('/items/1', { headers: { apikey: key.value, 'x-forwarded-for': '10.1.2.3' } })).status).toBe(403);
    } finally {
      await untrusting.close();
    }
  });

  it('referer patterns with wildcards; no Referer fails a referer restriction', async () => {
    const { value } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { permittedReferer: 'https://*.example.com/*' });
    expect((await s.call('/items/1', { headers: { apikey: value, referer: 'https://shop.example.com/cart' } })).status).toBe(200);
    expect((await s.call('/items/1', { headers: { apikey: value, referer: 'https://evil.example.org/' } })).status).toBe(403);
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(403);
  });
});

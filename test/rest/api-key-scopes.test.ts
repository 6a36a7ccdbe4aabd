import { beforeAll, describe, expect, it } from 'vitest';
import { scenario, serverAndBackend, type Scenario } from '../support/gateway.ts';

/**
 * `apiKeyScopes: ignore` (GATEHOUSE_API_KEY_SCOPES): WSO2's behaviour, API keys are validated by
 * subscription only and may call scoped resources. The default (`enforce`) is tested in
 * test/gateway/authorization.test.ts: an API key on a scoped resource is a 403.
 */

const ctx = serverAndBackend({ GATEHOUSE_API_KEY_SCOPES: 'ignore' });
let s: Scenario;

beforeAll(async () => {
  s = await scenario(ctx.server, { productionUrl: ctx.backend.url, scopes: [{ name: 'orders:read' }, { name: 'orders:write' }] });
});

describe('apiKeyScopes: ignore (WSO2 behaviour)', () => {
  it('an API key calls a scoped resource; tokens still need the scope', async () => {
    const { value } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    expect((await s.call('/items', { headers: { apikey: value } })).status).toBe(200);
    const token = await s.token();
    const res = await s.call('/items', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('900910');
  });

  it('the subscription is still checked for API keys', async () => {
    const { value } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    const [subscription] = await ctx.server.services.store.subscriptions.listByApplication(s.app.application.id);
    await ctx.server.services.subscriptions.unsubscribe(s.app.user.id, subscription!.id);
    const res = await s.call('/items', { headers: { apikey: value } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('900908');
  });
});

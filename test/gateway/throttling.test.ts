import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/fixtures.ts';
import { scenario, serverAndBackend } from '../support/gateway.ts';
import { RestClient, restToken, restUser } from '../support/rest.ts';

/** Application, subscription and resource tiers: 429 with Retry-After and the WSO2 code, then recovery. */

const ctx = serverAndBackend();

beforeAll(async () => {
  for (const [level, name, count] of [
    ['subscription', 'Tiny', 3],
    ['api', 'TwoPerMin', 2],
  ] as const) {
    await ctx.server.services.policies.create(level, { name, requestCount: count, unitTime: 1, timeUnit: 'min' });
  }
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function statuses(call: () => Promise<Response>, n: number): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < n; i++) out.push(await call());
  return out;
}

describe('throttling', () => {
  it('an application tier (10PerMin) → the 11th request is 429 900803 with Retry-After; the next window is open again', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url, appTier: '10PerMin' });
    const token = await s.token();
    const results = await statuses(() => s.call('/items/1', { headers: bearer(token) }), 11);
    expect(results.slice(0, 10).every((r) => r.status === 200)).toBe(true);
    const limited = results[10]!;
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ code: '900803', message: 'Message throttled out' });
    ctx.server.clock.advance(61_000);
    try {
      expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(200);
    } finally {
      ctx.server.clock.advance(-61_000);
    }
  });

  it("WSO2 reset-throttle-policy: the owner resets the application tier's counters and the next request passes; another user's application is 404", async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url, appTier: '10PerMin' });
    const token = await s.token();
    const results = await statuses(() => s.call('/items/1', { headers: bearer(token) }), 11);
    expect(results.map((r) => r.status).slice(9)).toEqual([200, 429]);
    const owner = new RestClient(ctx.server, { authorization: `Bearer ${await restToken(ctx.server, s.app.user.username, PASSWORD)}` });
    const stranger = await restUser(ctx.server);
    const path = `/applications/${s.app.application.id}/reset-throttle-policy`;
    expect((await stranger.devportal.post(path, { userName: stranger.user.username })).status).toBe(404);
    expect((await s.call('/items/1', { headers: bearer(token) })).status).toBe(429);
    expect((await owner.post(path, { userName: s.app.user.username })).status).toBe(200);
    const again = await statuses(() => s.call('/items/1', { headers: bearer(token) }), 11);
    expect(again.map((r) => r.status)).toEqual([...Array(10).fill(200), 429]);
  });

  it('a subscription tier → 429 900804, counted per subscription', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url, tier: 'Tiny' });
    expect(s.api.policies).toContain('Tiny');
    const token = await s.token();
    const results = await statuses(() => s.call('/items/1', { headers: bearer(token) }), 4);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(((await results[3]!.json()) as { code: string }).code).toBe('900804');
  });

  it('a resource tier → 429 900802, across all applications', async () => {
    const a = await scenario(ctx.server, {
      productionUrl: ctx.backend.url,
      operations: [{ target: '/limited', verb: 'GET', throttlingPolicy: 'TwoPerMin' }, { target: '/free', verb: 'GET' }],
    });
    const token = await a.token();
    const results = await statuses(() => a.call('/limited', { headers: bearer(token) }), 3);
    expect(results.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(((await results[2]!.json()) as { code: string }).code).toBe('900802');
    expect((await a.call('/free', { headers: bearer(token) })).status).toBe(200);
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutGatehouseCookies } from '../../src/gateway/proxy.ts';
import { browserAvailable, launchBrowser, openSession, signIn } from '../support/browser.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { scenario, type Scenario, serverAndBackend } from '../support/gateway.ts';

/**
 * G22: browsers scope cookies by host, not port, so the portal's cookies (127.0.0.1:<control>) are sent
 * to the gateway (127.0.0.1:<gateway>) too. The gateway must not pass them on to API backends.
 */

const run = browserAvailable('G22 portal cookies through the gateway (browser)');
const ctx = serverAndBackend();

describe.skipIf(!run)('G22 the portal session never reaches an API backend (browser cookie jar)', { timeout: 60_000 }, () => {
  let browser: Browser;
  let s: Scenario;

  beforeAll(async () => {
    browser = await launchBrowser();
    s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
  });
  afterAll(async () => browser?.close());

  it('G22 a signed-in browser calling a gateway API: Gatehouse cookies stripped, a foreign cookie kept', async () => {
    const { context, page } = await openSession(browser, ctx.server.control);
    await signIn(page, s.app.user.username, PASSWORD);
    const gateway = new URL(ctx.server.gateway);
    await context.addCookies([{ name: 'theme', value: 'dark', domain: gateway.hostname, path: '/' }]);
    // The precondition that makes this a test: the jar holds the portal's session for the gateway's URL too.
    const jar = (await context.cookies(ctx.server.gateway)).map((c) => c.name);
    expect(jar).toEqual(expect.arrayContaining(['gatehouse-session', 'gatehouse-csrf', 'theme']));

    ctx.backend.seen.length = 0;
    const open = await page.goto(`${ctx.server.gateway}${s.api.context}/${s.api.version}/public`);
    expect(open?.status()).toBe(200);
    const withToken = await context.request.get(`${ctx.server.gateway}${s.api.context}/${s.api.version}/items/1`, {
      headers: { authorization: `Bearer ${await s.token()}` },
    });
    expect(withToken.status()).toBe(200);

    const forwarded = ctx.backend.seen.filter((r) => r.url.endsWith('/public') || r.url.endsWith('/items/1'));
    expect(forwarded).toHaveLength(2);
    for (const request of forwarded) {
      expect(request.headers.cookie).toBe('theme=dark');
    }
    await context.close();
  });
});

describe('G22 withoutGatehouseCookies', () => {
  it('removes every Gatehouse cookie name, with or without __Host-, and keeps the others in order', () => {
    const header = 'a=1; gatehouse-session=gss_x; __Host-gatehouse-session=gss_y; gatehouse-csrf=c; __Host-gatehouse-csrf=c; gatehouse-flash=f; __Host-gatehouse-flash=f; b=2';
    expect(withoutGatehouseCookies(header)).toBe('a=1; b=2');
    expect(withoutGatehouseCookies(['x=1', 'gatehouse-session=s'])).toBe('x=1');
  });

  it('drops the header when only Gatehouse cookies were in it; leaves look-alike names alone', () => {
    expect(withoutGatehouseCookies('gatehouse-session=s')).toBeUndefined();
    expect(withoutGatehouseCookies('my-gatehouse-session=1; gatehousex=2')).toBe('my-gatehouse-session=1; gatehousex=2');
    expect(withoutGatehouseCookies(undefined)).toBeUndefined();
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Application } from '../../src/core/model.ts';
import { ADMIN_PASSWORD } from '../support/server.ts';
import { DEFAULT_KEY_SETTINGS, PASSWORD, aUser } from '../support/fixtures.ts';
import { ADMIN, PUBLISHER, RestClient, restToken } from '../support/rest.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, launchBrowser, openSession, screenshot, signIn, startTinyBackend, type Backend } from '../support/browser.ts';
import { publishSampleApi } from './helpers.ts';

/**
 * Issue 15 §5 end to end: calls through the real gateway are counted in memory, flushed to the store
 * (about every 10 s), and the Developer Portal shows them per application and per API key, the
 * Publisher per API and per subscriber, the Admin per tier: SVG charts with a text equivalent, and the
 * REST endpoint and /metrics say the same.
 */

const run = browserAvailable('browser tests of usage analytics');

describe.skipIf(!run)('usage you can see (browser)', { timeout: 120_000 }, () => {
  let server: TestServer;
  let backend: Backend;
  let browser: Browser;
  let page: Page;
  let application: Application;
  let api: Api;
  let apiKeyId: string;

  beforeAll(async () => {
    [server, backend, browser] = await Promise.all([startTestServer(), startTinyBackend(), launchBrowser()]);
    api = await publishSampleApi(server.services, backend.url);
    const broken = await server.services.apis.create(api.providerId, {
      name: 'BrokenAPI',
      context: '/broken',
      version: '1.0.0',
      productionUrl: 'http://127.0.0.1:9',
      operations: [{ target: '/*', verb: 'GET' }],
      policies: ['Gold'],
    });
    await server.services.apis.changeLifecycle(broken.id, 'Publish');
    const user = await aUser(server.services, ['subscriber'], 'erin');
    application = await server.services.applications.create(user.id, { name: 'Erin shop', tokenType: 'OAUTH' });
    for (const target of [api, broken]) await server.services.subscriptions.subscribe(user.id, { applicationId: application.id, apiId: target.id, throttlingPolicy: 'Gold' });
    const { client, secret } = await server.services.clients.generateKeys(application, 'PRODUCTION', DEFAULT_KEY_SETTINGS);
    const token = String((await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.consumerKey, secret) })).body.access_token);
    const { key, value } = await server.services.apiKeys.generate(user.id, application.id, 'PRODUCTION', { keyName: 'kiosk' });
    apiKeyId = key.id;
    const call = (path: string, headers: Record<string, string>) => fetch(`${server.gateway}${path}`, { headers }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push(await call('/pizzashack/1.0.0/status', { authorization: `Bearer ${token}` }));
    for (let i = 0; i < 2; i += 1) statuses.push(await call('/broken/1.0.0/x', { authorization: `Bearer ${token}` }));
    for (let i = 0; i < 3; i += 1) statuses.push(await call('/pizzashack/1.0.0/status', { apikey: value }));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 502, 502, 200, 200, 200]);
    ({ page } = await openSession(browser, server.control));
    page.setDefaultTimeout(20_000);
    await signIn(page, 'erin', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.close();
  });

  const tile = (p: Page, label: string) => p.locator('.tile').filter({ has: p.locator('dt', { hasText: label }) }).locator('dd').textContent();

  it('application usage: totals, an SVG chart with a text equivalent, and a row per credential (API key by name)', async () => {
    const usageUrl = `/devportal/applications/${application.id}/usage?range=hour`;
    // The gateway flushes about every 10 s: reload until its counts are in the store.
    await expect
      .poll(async () => (await page.goto(usageUrl), tile(page, 'Requests')), { timeout: 40_000, interval: 2000 })
      .toBe('10');
    expect(await tile(page, 'Errors (4xx/5xx)')).toBe('2');
    expect(await tile(page, 'Throttled (429)')).toBe('0');
    expect(await tile(page, 'Latency p99')).toMatch(/^≤ \d+ (ms|s)$/);
    expect(await tile(page, 'Last used')).toMatch(/UTC$/);
    const chart = page.getByRole('img', { name: /Requests and errors, last hour, per minute/ });
    expect(await chart.count()).toBe(1);
    expect(await page.locator('#usage-chart-desc').textContent()).toContain('10 requests from Erin shop in the last hour, per minute: 2 errors, 0 throttled');
    await page.getByText('The chart as a table').click();
    expect(await page.locator('.usage-data tbody tr').first().textContent()).toContain('10');

    const byCredential = page.getByRole('table', { name: 'Requests per credential' });
    expect(await byCredential.getByRole('row').filter({ hasText: 'Production API key kiosk' }).getByRole('cell').nth(1).textContent()).toBe('3');
    expect(await byCredential.getByRole('row').filter({ hasText: 'Production consumer key' }).getByRole('cell').nth(1).textContent()).toBe('7');
    await screenshot(page, 'devportal-application-usage', { fullPage: true });

    await byCredential.getByRole('link', { name: 'Production API key kiosk' }).click();
    expect(await page.getByRole('heading', { name: 'Usage of Production API key kiosk' }).count()).toBe(1);
    expect(await tile(page, 'Requests')).toBe('3');
    expect(await tile(page, 'Errors (4xx/5xx)')).toBe('0');
    expect(new URL(page.url()).searchParams.get('credential')).toBe(apiKeyId);
  });

  it('the API keys table links each key to its usage', async () => {
    await page.goto(`/devportal/applications/${application.id}/keys/production/api-keys`);
    await page.getByRole('row').filter({ hasText: 'kiosk' }).getByRole('link', { name: 'Usage of kiosk' }).click();
    expect(await page.getByRole('heading', { name: 'Usage of Production API key kiosk' }).count()).toBe(1);
  });

  it('another developer cannot see this application’s usage (404)', async () => {
    await aUser(server.services, ['subscriber'], 'mallory');
    const other = await openSession(browser, server.control);
    await signIn(other.page, 'mallory', PASSWORD);
    const response = await other.page.goto(`/devportal/applications/${application.id}/usage`);
    expect(response?.status()).toBe(404);
    await other.context.close();
  });

  it('REST: GET /applications/{applicationId}/usage answers the same numbers, per credential too; someone else gets 404', async () => {
    const erin = new RestClient(server, { authorization: `Bearer ${await restToken(server, 'erin', PASSWORD)}` });
    const usage = await erin.request('GET', `/applications/${application.id}/usage?range=hour`);
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ range: 'hour', stepSeconds: 60, requests: 10, errors: 2, throttled: 0 });
    expect((usage.body.series as unknown as unknown[]).length).toBe(60);
    expect(usage.body.byCredential).toEqual(expect.arrayContaining([expect.objectContaining({ credentialId: apiKeyId, requests: 3, errors: 0 })]));
    const one = await erin.request('GET', `/applications/${application.id}/usage?range=day&credentialId=${apiKeyId}`);
    expect(one.body).toMatchObject({ range: 'day', requests: 3 });
    const mallory = new RestClient(server, { authorization: `Bearer ${await restToken(server, 'mallory', PASSWORD)}` });
    expect((await mallory.request('GET', `/applications/${application.id}/usage`)).status).toBe(404);
  });

  it('Publisher sees the API per subscriber; Admin sees every tier; /metrics has a bounded series per API and status class', async () => {
    const admin = await openSession(browser, server.control);
    admin.page.setDefaultTimeout(20_000);
    await signIn(admin.page, 'admin', ADMIN_PASSWORD);
    await admin.page.goto(`/publisher/apis/${api.id}/usage?range=hour`);
    expect(await tile(admin.page, 'Requests')).toBe('8');
    const subscriber = admin.page.getByRole('table', { name: 'Requests per subscribing application' }).getByRole('row').filter({ hasText: 'Erin shop' });
    expect(await subscriber.textContent()).toContain('erin');
    expect(await subscriber.getByRole('cell').nth(1).textContent()).toBe('8');
    await screenshot(admin.page, 'publisher-api-usage', { fullPage: true });

    await admin.page.getByRole('navigation', { name: 'Portals' }).getByRole('link', { name: 'Admin' }).click();
    await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    await admin.page.getByRole('link', { name: 'Last hour' }).click();
    expect(await tile(admin.page, 'Requests')).toBe('10');
    const tier = admin.page.getByRole('table', { name: 'Requests per application tier' }).getByRole('row').filter({ hasText: application.throttlingPolicy });
    expect(await tier.getByRole('cell').nth(1).textContent()).toBe('10');
    await admin.context.close();

    const metrics = await (await fetch(`${server.gateway}/metrics`)).text();
    expect(metrics).toContain(`gatehouse_gateway_requests_total{api="${api.id}",status_class="2xx"} 8`);
    expect(metrics).not.toContain(application.id);

    // The same numbers over REST: the publisher per API and subscriber, the admin per tier; a subscriber may not.
    const adminRest = new RestClient(server, { authorization: `Bearer ${await restToken(server, 'admin', ADMIN_PASSWORD)}` });
    const apiUsage = await adminRest.at(PUBLISHER).get(`/apis/${api.id}/usage?range=hour`);
    expect(apiUsage.status).toBe(200);
    expect(apiUsage.body).toMatchObject({ range: 'hour', stepSeconds: 60, requests: 8, errors: 0 });
    expect(apiUsage.body.bySubscriber).toEqual([expect.objectContaining({ applicationId: application.id, applicationName: 'Erin shop', requests: 8 })]);
    const traffic = await adminRest.at(ADMIN).get('/usage?range=hour');
    expect(traffic.status).toBe(200);
    expect(traffic.body).toMatchObject({ requests: 10, errors: 2 });
    expect(traffic.body.byTier).toEqual([expect.objectContaining({ tier: application.throttlingPolicy, applications: expect.any(Number), requests: 10 })]);
    const erin = new RestClient(server, { authorization: `Bearer ${await restToken(server, 'erin', PASSWORD)}` });
    expect((await erin.at(ADMIN).get('/usage')).status).toBe(403);
    expect((await erin.at(PUBLISHER).get(`/apis/${api.id}/usage`)).status).toBe(403);
  });
});

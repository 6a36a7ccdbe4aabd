import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, aUser } from '../support/fixtures.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, launchBrowser, openSession, screenshot, signIn, startTinyBackend, type Backend } from '../support/browser.ts';
import { unlabelledControls } from './helpers.ts';

/** The Publisher and Admin portals in a real browser. */

const run = browserAvailable('browser tests of the Publisher and Admin portals');

const OPENAPI = {
  openapi: '3.0.1',
  info: { title: 'InventoryAPI', version: '2.0.0', description: 'Stock levels' },
  servers: [{ url: 'http://127.0.0.1:9/inventory' }],
  components: { securitySchemes: { default: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://example/token', scopes: { 'stock:read': 'Read stock' } } } } } },
  paths: {
    '/items': { get: { security: [{ default: ['stock:read'] }] }, post: {} },
    '/items/{sku}': { get: { security: [{ default: ['stock:read'] }] } },
  },
};

describe.skipIf(!run)('Publisher and Admin (browser)', { timeout: 60_000 }, () => {
  let server: TestServer;
  let backend: Backend;
  let browser: Browser;

  beforeAll(async () => {
    [server, backend, browser] = await Promise.all([startTestServer(), startTinyBackend(), launchBrowser()]);
    await aUser(server.services, ['publisher'], 'pat');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.close();
  });

  it('a publisher creates an API, defines a scope and resources, publishes it, and it appears in the catalogue', async () => {
    const { page, context } = await openSession(browser, server.control);
    await signIn(page, 'pat', PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/publisher/apis');
    await page.getByRole('main').getByRole('link', { name: 'Create API' }).click();
    expect(await unlabelledControls(page)).toEqual([]);

    // An error is shown next to the field it concerns.
    await page.getByLabel('Name').fill('OrdersAPI');
    await page.getByRole('button', { name: 'Create' }).click();
    expect(await page.locator('#f-context-error').textContent()).toContain('Context must have at least 2 characters.');
    expect(await page.getByLabel('Context').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').getByRole('link').first().getAttribute('href')).toBe('#f-context');

    await page.getByLabel('Context').fill('/orders');
    await page.getByLabel('Production endpoint').fill(backend.url);
    await page.getByRole('checkbox', { name: 'Gold' }).check();
    await page.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('API OrdersAPI 1.0.0 created');

    // Creating lands on Local scopes, the tab before Resources: resources name existing scopes (issue 15 §8).
    expect(new URL(page.url()).pathname).toMatch(/\/scopes$/);
    const tabs = await page.getByRole('navigation', { name: 'API', exact: true }).getByRole('link').allTextContents();
    expect(tabs.indexOf('Local scopes')).toBe(tabs.indexOf('Resources') - 1);
    await page.getByLabel('Name of new scope', { exact: true }).fill('orders:read');
    await page.getByLabel('Display name of new scope').fill('Read orders');
    await page.getByRole('button', { name: 'Save scopes' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Scopes saved');

    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByLabel('URL template of GET /*').fill('/orders');
    await page.getByRole('group', { name: 'Scopes of GET /*' }).getByRole('checkbox', { name: 'orders:read' }).check();
    for (const verb of ['POST', 'PUT', 'PATCH', 'DELETE']) await page.getByLabel(`Remove ${verb} /*`).check();
    await page.getByLabel('Method of new resource').selectOption('POST');
    await page.getByLabel('URL template of new resource').fill('/orders');
    await page.getByRole('button', { name: 'Save resources' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Resources saved');
    expect(await page.getByLabel('URL template of GET /orders').inputValue()).toBe('/orders');
    expect(await page.getByLabel('URL template of POST /orders').inputValue()).toBe('/orders');
    await screenshot(page, 'publisher-api-resources', { fullPage: true });

    await page.getByRole('link', { name: 'Lifecycle' }).click();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The API is now PUBLISHED');

    await page.getByRole('link', { name: 'View in Developer Portal' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('OrdersAPI');
    const resources = await page.getByRole('table').first().textContent();
    expect(resources).toContain('/orders');
    expect(resources).toContain('orders:read');
    await context.close();
  });

  it('a publisher imports an OpenAPI definition; a broken one is reported next to the text box', async () => {
    const { page, context } = await openSession(browser, server.control);
    await signIn(page, 'pat', PASSWORD);
    await page.getByRole('link', { name: 'Import OpenAPI' }).click();
    await page.getByLabel('Definition').fill('openapi: 3.0.0');
    await page.getByRole('button', { name: 'Import' }).click();
    expect(await page.locator('#f-definition-error').textContent()).toContain('JSON');

    await page.getByLabel('Definition').fill(JSON.stringify(OPENAPI));
    await page.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Imported InventoryAPI 2.0.0 with 3 resources and 1 scopes');
    expect(await page.getByLabel('URL template of GET /items/{sku}').inputValue()).toBe('/items/{sku}');
    await page.getByRole('link', { name: 'Endpoints' }).click();
    expect(await page.getByLabel('Production endpoint').inputValue()).toBe('http://127.0.0.1:9/inventory');
    await context.close();
  });

  it('an admin adds, edits and deletes a throttling tier', async () => {
    const { page, context } = await openSession(browser, server.control);
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.goto('/admin');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('Name', { exact: true }).fill('Tiny');
    await page.getByLabel('Display name').fill('Tiny (5/min)');
    await page.getByLabel('Request count').fill('5');
    await page.getByRole('button', { name: 'Add policy' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Policy Tiny added');
    expect(await page.getByRole('row').filter({ hasText: 'Tiny' }).textContent()).toContain('5 requests / min');
    await screenshot(page, 'admin-throttling-tiers', { fullPage: true });

    await page.getByRole('row').filter({ hasText: 'Tiny' }).getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Request count').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.locator('#f-requestCount-error').textContent()).toContain('at least 1');
    await page.getByLabel('Request count').fill('6');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByRole('row').filter({ hasText: 'Tiny' }).textContent()).toContain('6 requests / min');
    expect(await server.services.store.policies.findByName('application', 'Tiny')).toMatchObject({ requestCount: 6 });

    await page.getByRole('row').filter({ hasText: 'Tiny' }).getByRole('link', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete Tiny?' }).getByRole('button', { name: 'Delete policy' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Policy Tiny deleted');
    expect(await page.getByRole('row').filter({ hasText: 'Tiny' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Subscription tiers' }).click();
    expect(await page.getByRole('table').textContent()).toContain('Gold');
    await context.close();
  });

  it('an admin creates a user, changes roles and disables the account, which ends its session', async () => {
    const admin = await openSession(browser, server.control);
    await signIn(admin.page, 'admin', ADMIN_PASSWORD);
    await admin.page.goto('/admin/users');
    await admin.page.getByLabel('Username').fill('carol');
    await admin.page.getByLabel('Initial password').fill('short');
    await admin.page.getByRole('button', { name: 'Add user' }).click();
    expect(await admin.page.locator('#f-password-error').textContent()).toContain('at least 8 characters');
    await admin.page.getByLabel('Initial password').fill('carol-password');
    await admin.page.getByRole('button', { name: 'Add user' }).click();
    await expect.poll(() => admin.page.getByRole('status').textContent()).toContain('User carol added');

    const carol = await openSession(browser, server.control);
    await signIn(carol.page, 'carol', 'carol-password');
    expect(await carol.page.getByRole('navigation', { name: 'Portals' }).count()).toBe(0);

    const row = admin.page.getByRole('row').filter({ hasText: 'carol' });
    await row.getByRole('checkbox', { name: 'publisher' }).check();
    await row.getByRole('button', { name: 'Save roles' }).click();
    await expect.poll(() => admin.page.getByRole('status').textContent()).toContain('Roles of carol saved: publisher, subscriber');
    await carol.page.reload();
    expect(await carol.page.getByRole('navigation', { name: 'Portals' }).textContent()).toContain('Publisher');

    // Disabling asks first, in a dialog that says what stops working (issue 15 §4); Cancel changes nothing.
    await admin.page.getByRole('row').filter({ hasText: 'carol' }).getByRole('link', { name: 'Disable' }).click();
    const confirm = admin.page.getByRole('dialog', { name: 'Disable carol?' });
    expect(await confirm.textContent()).toContain('every access and refresh token issued to them is revoked');
    await confirm.getByRole('link', { name: 'Cancel' }).click();
    await expect.poll(() => confirm.isVisible()).toBe(false);
    await carol.page.reload();
    expect(new URL(carol.page.url()).pathname).toBe('/devportal/applications');
    await admin.page.getByRole('row').filter({ hasText: 'carol' }).getByRole('link', { name: 'Disable' }).click();
    await confirm.getByRole('button', { name: 'Disable account' }).click();
    await expect.poll(() => admin.page.getByRole('status').textContent()).toContain('User carol disabled');
    await carol.page.goto('/devportal/applications');
    expect(new URL(carol.page.url()).pathname).toBe('/devportal/login');

    await admin.page.getByRole('row').filter({ hasText: 'carol' }).getByRole('button', { name: 'Enable' }).click();
    await signIn(carol.page, 'carol', 'carol-password');
    expect(new URL(carol.page.url()).pathname).toBe('/devportal/applications');
    await admin.context.close();
    await carol.context.close();
  });
});

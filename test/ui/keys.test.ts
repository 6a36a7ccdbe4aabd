import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/core/model.ts';
import { PASSWORD, aUser } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, clipboardText, launchBrowser, openSession, screenshot, signIn, startTinyBackend, type Backend } from '../support/browser.ts';
import { overflowsHorizontally, publishSampleApi, unlabelledControls } from './helpers.ts';

/** Secret regeneration and rotation, API keys, keyboard-usable dialogs and phone width, in a real browser. */

const run = browserAvailable('browser tests of application keys');

describe.skipIf(!run)('application keys (browser)', { timeout: 60_000 }, () => {
  let server: TestServer;
  let backend: Backend;
  let browser: Browser;
  let page: Page;
  let application: Application;
  let consumerKey: string;
  let secret: string;

  const token = (clientSecret: string) =>
    postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(consumerKey, clientSecret) });
  const keysUrl = () => `/devportal/applications/${application.id}/keys/production`;
  /** A one-time value stays on its page until confirmed (issue 15 §3); leaving without would ask first. */
  const copied = async (button: string) => {
    await page.getByRole('button', { name: button }).click();
    await page.getByRole('status').filter({ hasText: 'now hidden' }).waitFor();
  };

  beforeAll(async () => {
    [server, backend, browser] = await Promise.all([startTestServer(), startTinyBackend(), launchBrowser()]);
    const api = await publishSampleApi(server.services, backend.url);
    const status = await server.services.apis.create(api.providerId, {
      name: 'StatusAPI',
      context: '/status-api',
      version: '1.0.0',
      productionUrl: backend.url,
      operations: [{ target: '/ping', verb: 'GET' }],
      policies: ['Silver', 'Bronze'],
    });
    await server.services.apis.changeLifecycle(status.id, 'Publish');
    const user = await aUser(server.services, ['subscriber'], 'bob');
    application = await server.services.applications.create(user.id, { name: 'Bob mobile app', tokenType: 'OAUTH' });
    await server.services.subscriptions.subscribe(user.id, { applicationId: application.id, apiId: api.id, throttlingPolicy: 'Silver' });
    ({ page } = await openSession(browser, server.control));
    await signIn(page, 'bob', PASSWORD);
    await page.goto(keysUrl());
    await page.getByRole('button', { name: 'Generate Keys' }).click();
    consumerKey = (await page.locator('#consumer-key').textContent())!.trim();
    secret = (await page.locator('#consumer-secret').textContent())!.trim();
    await copied('I have copied the secret');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.close();
  });

  it('Regenerate secret: the old secret stops working at /oauth2/token, tokens issued with it are revoked', async () => {
    expect((await token(secret)).status).toBe(200);
    const before = String((await token(secret)).body.access_token);
    await page.goto(keysUrl());
    await page.getByRole('link', { name: 'Regenerate secret' }).click();
    await page.getByRole('dialog', { name: 'Regenerate consumer secret?' }).getByRole('button', { name: 'Regenerate secret' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Consumer secret regenerated');
    const fresh = (await page.locator('#consumer-secret').textContent())!.trim();
    expect(fresh).toMatch(/^gcs_/);
    expect(fresh).not.toBe(secret);
    await copied('I have copied the secret');

    const old = await token(secret);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    expect((await token(fresh)).status).toBe(200);
    const introspected = await postForm(`${server.control}/oauth2/introspect`, { token: before }, { authorization: basic(consumerKey, fresh) });
    expect(introspected.body.active).toBe(false);
    secret = fresh;
  });

  it('multiple secrets: an additional secret works beside the first; revoking the first leaves the new one', async () => {
    await page.goto(keysUrl());
    await page.getByLabel('Description of a new secret').fill('rotation 2026-Q4');
    await page.getByRole('button', { name: 'Generate additional secret' }).click();
    const second = (await page.locator('#consumer-secret').textContent())!.trim();
    await copied('I have copied the secret');
    expect((await token(secret)).status).toBe(200);
    expect((await token(second)).status).toBe(200);

    const firstRow = page.getByRole('row').filter({ hasText: 'regenerated secret' });
    await firstRow.getByRole('link', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke the secret “regenerated secret”?' });
    expect(await confirm.textContent()).toContain('can no longer get tokens');
    await confirm.getByRole('button', { name: 'Revoke secret' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Consumer secret revoked');
    expect((await token(secret)).status).toBe(401);
    expect((await token(second)).status).toBe(200);
    expect(await page.getByRole('row').filter({ hasText: 'rotation 2026-Q4' }).textContent()).toContain('only secret');
    secret = second;
  });

  it('API key: generate with name, validity and restrictions; shown once; works at the gateway; revoke → refused', async () => {
    await page.goto(keysUrl());
    await page.getByRole('navigation', { name: 'Production keys' }).getByRole('link', { name: 'API Key' }).click();
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('Key name').fill('mobile');
    await page.getByLabel('Validity period').fill('3600');
    await page.getByLabel('Permitted IP addresses').fill('127.0.0.1, 10.0.0.0/8');
    await page.getByRole('button', { name: 'Generate key' }).click();
    const key = (await page.locator('#api-key-value').textContent())!.trim();
    expect(key).toMatch(/^gak_prod_[0-9A-Za-z]{49}$/);
    const row = page.getByRole('row').filter({ hasText: 'mobile' });
    expect(await row.textContent()).toContain('127.0.0.1, 10.0.0.0/8');
    expect(await row.textContent()).toContain('active');

    await page.getByRole('button', { name: /^Copy Try it: PizzaShackAPI/ }).click();
    const command = await clipboardText(page);
    expect(command).toBe(`curl -H "apikey: ${key}" "${server.gateway}/pizzashack/1.0.0/status"`);
    expect((await fetch(`${server.gateway}/pizzashack/1.0.0/status`, { headers: { apikey: key } })).status).toBe(200);

    await copied('I have copied the key');
    expect(await page.content()).not.toContain(key);
    await page.reload();
    expect(await page.content()).not.toContain(key);

    // Regenerate: a new key with the same name and restrictions; the old one stops at once.
    await page.getByRole('row').filter({ hasText: 'mobile' }).getByRole('link', { name: 'Regenerate' }).click();
    const regenerate = page.getByRole('dialog', { name: 'Regenerate API key mobile?' });
    expect(await regenerate.textContent()).toContain('stops working at the gateway at once');
    await regenerate.getByRole('button', { name: 'Regenerate key' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('API key regenerated');
    const renewed = (await page.locator('#api-key-value').textContent())!.trim();
    expect(renewed).not.toBe(key);
    await copied('I have copied the key');
    // The live row (the regenerated-away key stays listed as revoked, without actions).
    const live = page.getByRole('row').filter({ hasText: 'mobile' }).filter({ has: page.getByRole('link', { name: 'Revoke' }) });
    expect(await live.textContent()).toContain('127.0.0.1, 10.0.0.0/8');
    expect((await fetch(`${server.gateway}/pizzashack/1.0.0/status`, { headers: { apikey: key } })).status).toBe(401);
    expect((await fetch(`${server.gateway}/pizzashack/1.0.0/status`, { headers: { apikey: renewed } })).status).toBe(200);

    // Without JavaScript the trigger is a link that renders the dialog open; Esc/Cancel would keep the key.
    await page.getByRole('row').filter({ hasText: 'mobile' }).getByRole('link', { name: 'Revoke' }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke API key mobile?' });
    await page.keyboard.press('Escape');
    await expect.poll(() => revoke.isVisible()).toBe(false);
    expect((await fetch(`${server.gateway}/pizzashack/1.0.0/status`, { headers: { apikey: renewed } })).status).toBe(200);
    await page.getByRole('row').filter({ hasText: 'mobile' }).getByRole('link', { name: 'Revoke' }).click();
    expect(await revoke.textContent()).toContain('This cannot be undone');
    await revoke.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('API key mobile revoked');
    // Revoked keys stay listed, marked revoked, with no actions left on them: the one regenerated away and this one.
    const rows = page.getByRole('row').filter({ hasText: 'mobile' });
    expect(await rows.count()).toBe(2);
    for (const text of await rows.allTextContents()) expect(text).toContain('revoked');
    expect(await rows.getByRole('button').count()).toBe(0);
    expect((await fetch(`${server.gateway}/pizzashack/1.0.0/status`, { headers: { apikey: renewed } })).status).toBe(401);
  });

  it('Subscriptions tab: subscribe to an API with a tier, then unsubscribe; the gateway follows', async () => {
    await page.goto(`/devportal/applications/${application.id}/subscriptions`);
    const offer = page.getByRole('row').filter({ hasText: 'StatusAPI' });
    await offer.getByLabel('Tier for StatusAPI 1.0.0').selectOption('Bronze');
    await offer.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Subscribed to StatusAPI 1.0.0 with the Bronze tier');
    const current = page.getByRole('region', { name: 'Subscriptions' }).getByRole('row').filter({ hasText: 'StatusAPI' });
    expect(await current.textContent()).toContain('Bronze');

    const accessToken = String((await token(secret)).body.access_token);
    const ping = () => fetch(`${server.gateway}/status-api/1.0.0/ping`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await ping()).status).toBe(200);
    await current.getByRole('link', { name: 'Unsubscribe' }).click();
    const unsubscribe = page.getByRole('dialog', { name: 'Unsubscribe from StatusAPI 1.0.0?' });
    expect(await unsubscribe.textContent()).toContain('the gateway answers 403');
    await unsubscribe.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Unsubscribed');
    expect((await ping()).status).toBe(403);
  });

  it('Generate Access Token opens a modal dialog from the keyboard; Esc closes it; errors show inside it', async () => {
    await page.goto(keysUrl());
    await page.getByRole('link', { name: 'Generate Access Token' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Generate Access Token' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.name')).toBe('validityPeriod');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    await page.getByRole('link', { name: 'Generate Access Token' }).click();
    await dialog.getByLabel('Validity period').fill('0');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('#f-validityPeriod-error').textContent()).toContain('must not be 0');
    expect(await dialog.getByLabel('Validity period').getAttribute('aria-invalid')).toBe('true');

    // Negative = never expires (the server allows it by default); the page says so.
    await dialog.getByLabel('Validity period').fill('-1');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    expect(await page.locator('.expiry').textContent()).toBe('Never expires (revocable)');
    expect(await page.locator('#access-token').textContent()).toMatch(/^gat_/);
  });

  it('is readable at a phone’s width: no sideways scrolling', async () => {
    const phone = await openSession(browser, server.control, { width: 390, height: 844 });
    await signIn(phone.page, 'bob', PASSWORD);
    for (const path of ['/devportal/apis', '/devportal/applications', keysUrl(), `${keysUrl()}/api-keys`, `/devportal/applications/${application.id}/subscriptions`]) {
      await phone.page.goto(path);
      expect(await overflowsHorizontally(phone.page), path).toBe(false);
    }
    await phone.page.goto(keysUrl());
    await screenshot(phone.page, 'devportal-keys-phone');
    await phone.context.close();
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, clipboardText, launchBrowser, openSession, screenshot, startTinyBackend, type Backend } from '../support/browser.ts';
import { publishMoreApis, publishSampleApi, unlabelledControls } from './helpers.ts';

/**
 * The seed story, in a real browser: a person signs up in the Developer Portal, creates an
 * application, subscribes it to a published API, generates production keys, generates an access
 * token with a validity period and a scope, copies the curl command and calls the gateway with it.
 */

const run = browserAvailable('browser test of the Developer Portal seed flow');
const sh = promisify(execFile);

describe.skipIf(!run)('Developer Portal seed flow (browser)', { timeout: 90_000 }, () => {
  let server: TestServer;
  let backend: Backend;
  let browser: Browser;

  beforeAll(async () => {
    [server, backend, browser] = await Promise.all([startTestServer(), startTinyBackend(), launchBrowser()]);
    await publishSampleApi(server.services, backend.url);
    await publishMoreApis(server.services, backend.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.close();
  });

  it('sign up → application → subscribe → production keys → token with validity and scope → curl through the gateway → 200', async () => {
    const { page, dialogs } = await openSession(browser, server.control);

    // Sign up (self sign-up creates a subscriber and signs in).
    await page.goto('/devportal');
    await expect.poll(() => page.url()).toContain('/devportal/apis');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('alice-password-1');
    await page.getByLabel('Confirm password').fill('alice-password-1');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/devportal/applications');
    expect(await page.getByRole('status').textContent()).toContain('Welcome, alice');

    // Create an application.
    await page.getByRole('link', { name: 'Add new application' }).first().click();
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('Application name').fill('Weather app');
    await page.getByLabel('Shared quota for application tokens').selectOption('50PerMin');
    await page.getByLabel('Description').fill('Shows the weather, and orders pizza while it rains');
    await page.getByRole('radio', { name: /^JWT/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL('**/keys/production');

    // Subscribe to the published API from the catalogue.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'APIs' }).click();
    await screenshot(page, 'devportal-api-catalogue');
    await page.getByRole('link', { name: 'PizzaShackAPI' }).click();
    await page.getByLabel('Application', { exact: true }).selectOption({ label: 'Weather app' });
    await page.getByLabel('Business plan (tier)').selectOption('Gold');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Subscribed with the Gold tier');

    // Applications → the application → Production Keys → Generate Keys: the key, the secret and a
    // first access token together, as the seed describes (issue 15 §1).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Applications' }).click();
    await screenshot(page, 'devportal-applications');
    await page.getByRole('link', { name: 'Weather app' }).click();
    await page.getByRole('link', { name: 'Production Keys' }).click();
    await page.getByRole('group', { name: 'Scopes of the first access token' }).getByRole('checkbox', { name: /orders:read/ }).check();
    await page.getByRole('button', { name: 'Generate Keys' }).click();
    const consumerKey = (await page.locator('#consumer-key').textContent())!.trim();
    const consumerSecret = (await page.locator('#consumer-secret').textContent())!.trim();
    expect(consumerKey).toMatch(/^[A-Za-z0-9]{28}$/);
    expect(consumerSecret).toMatch(/^gcs_[0-9A-Za-z]{49}$/);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Copy the consumer secret now');
    const firstToken = (await page.locator('#access-token').textContent())!.trim();
    const first = decodeJwt(firstToken).payload;
    expect(String(first.scope).split(' ')).toContain('orders:read');
    expect(Number(first.exp) - Number(first.iat)).toBe(3600);
    expect(first.client_id ?? first.azp).toBe(consumerKey);
    await page.getByRole('button', { name: 'Copy Access Token' }).click();
    expect(await clipboardText(page)).toBe(firstToken);
    await page.getByRole('button', { name: 'Copy Consumer Secret' }).click();
    expect(await clipboardText(page)).toBe(consumerSecret);

    // Generate Access Token: validity 7200 s and the orders:read scope. The secret stays on screen.
    await page.getByRole('link', { name: 'Generate Access Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate Access Token' });
    await dialog.getByLabel('Validity period').fill('7200');
    await dialog.getByRole('checkbox', { name: /orders:read/ }).check();
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => page.locator('.expiry').textContent()).toContain('Expires in 2 hours');
    const accessToken = (await page.locator('#access-token').textContent())!.trim();
    expect(accessToken).not.toBe(firstToken);
    expect((await page.locator('#consumer-secret').textContent())!.trim()).toBe(consumerSecret);
    const claims = decodeJwt(accessToken).payload;
    expect(String(claims.scope).split(' ')).toContain('orders:read');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(7200);
    expect(claims.keytype).toBe('PRODUCTION');
    await screenshot(page, 'devportal-application-keys', { fullPage: true });

    // Copy the curl command and run it: the gateway forwards to the backend and answers 200.
    await page.getByRole('button', { name: 'Copy Try it: PizzaShackAPI 1.0.0' }).click();
    const command = await clipboardText(page);
    expect(command).toBe(`curl -H "Authorization: Bearer ${accessToken}" "${server.gateway}/pizzashack/1.0.0/menu"`);
    const { stdout } = await sh('sh', ['-c', `${command} -sS -w '\\n%{http_code}'`]);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('200');
    expect(JSON.parse(lines.slice(0, -1).join('\n'))).toMatchObject({ ok: true, path: '/menu' });
    expect(backend.hits).toBeGreaterThan(0);

    // The secret stays until the developer confirms the copy; then it is masked for good.
    await page.getByRole('button', { name: 'I have copied the secret' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('now hidden');
    expect(await page.content()).not.toContain(consumerSecret);
    await page.reload();
    expect(await page.content()).not.toContain(consumerSecret);
    expect(await page.locator('code.masked').textContent()).toMatch(/^gcs_.{4}•+$/);
    expect(dialogs).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/core/model.ts';
import { PASSWORD, aUser } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, clipboardText, launchBrowser, openSession, signIn, startTinyBackend, type Backend, type BrowserSession } from '../support/browser.ts';
import { publishSampleApi } from './helpers.ts';

/**
 * Issue 15 §1, §3 and §6 in a real browser: Generate Keys issues the first token with the keys; a
 * one-time secret stays on screen until the developer confirms the copy, and leaving the page first
 * asks; Generate/Regenerate show progress, ignore a second click, and a stale Regenerate never
 * silently replaces the secret just shown.
 */

const run = browserAvailable('browser tests of one-time secrets');
const sh = promisify(execFile);

describe.skipIf(!run)('one-time secrets and double submits (browser)', { timeout: 90_000 }, () => {
  let server: TestServer;
  let backend: Backend;
  let browser: Browser;
  let session: BrowserSession;
  let page: Page;
  let application: Application;

  const keysUrl = () => `/devportal/applications/${application.id}/keys/production`;
  const secretOnPage = async (p: Page = page) => (await p.locator('#consumer-secret').textContent())!.trim();
  const tokenWith = (consumerKey: string, secret: string) =>
    postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(consumerKey, secret) });

  beforeAll(async () => {
    [server, backend, browser] = await Promise.all([startTestServer(), startTinyBackend(), launchBrowser()]);
    const api = await publishSampleApi(server.services, backend.url);
    const user = await aUser(server.services, ['subscriber'], 'carol');
    application = await server.services.applications.create(user.id, { name: 'Carol kiosk', tokenType: 'OAUTH' });
    await server.services.subscriptions.subscribe(user.id, { applicationId: application.id, apiId: api.id, throttlingPolicy: 'Gold' });
    session = await openSession(browser, server.control);
    page = session.page;
    page.setDefaultTimeout(20_000);
    await signIn(page, 'carol', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.close();
  });

  it('Generate Keys issues the first access token with the keys (default validity, the ticked scope) and it works at the gateway', async () => {
    await page.goto(keysUrl());
    await page.getByRole('group', { name: 'Scopes of the first access token' }).getByRole('checkbox', { name: /orders:read/ }).check();
    await page.getByRole('button', { name: 'Generate Keys' }).click();
    const token = (await page.locator('#access-token').textContent())!.trim();
    expect(token).toMatch(/^gat_/);
    expect(await page.locator('.expiry').textContent()).toContain('Expires in 1 hour');
    expect(await page.locator('.token-result').textContent()).toContain('orders:read');
    expect((await fetch(`${server.gateway}/pizzashack/1.0.0/menu`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('the new secret survives Generate Access Token and a reload, leaving by a link asks first, and "I have copied" hides it for good', async () => {
    const consumerKey = (await page.locator('#consumer-key').textContent())!.trim();
    const secret = await secretOnPage();
    expect(secret).toMatch(/^gcs_/);

    await page.getByRole('link', { name: 'Generate Access Token' }).click();
    await page.getByRole('dialog', { name: 'Generate Access Token' }).getByRole('button', { name: 'Generate' }).click();
    await page.locator('.expiry').waitFor();
    expect(await secretOnPage()).toBe(secret);

    // The same page loaded again (here in a second tab) still shows it.
    const again = await session.context.newPage();
    await again.goto(keysUrl());
    expect(await secretOnPage(again)).toBe(secret);
    expect(await again.getByRole('alert').first().textContent()).toContain('Copy the consumer secret now');
    await again.close();

    // After an interaction, following a link asks before leaving (beforeunload); staying keeps it.
    await page.getByRole('button', { name: 'Copy Consumer Secret' }).click();
    const before = session.dialogs.length;
    await page.getByRole('link', { name: 'Sandbox Keys' }).click();
    await expect.poll(() => session.dialogs.slice(before).map((d) => d.type())).toEqual(['beforeunload']);
    expect(new URL(page.url()).pathname).toBe(keysUrl());
    expect(await secretOnPage()).toBe(secret);

    await page.getByRole('button', { name: 'I have copied the secret' }).click();
    await page.getByRole('status').filter({ hasText: 'now hidden' }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.goto(keysUrl());
    expect(await page.content()).not.toContain(secret);
    expect((await tokenWith(consumerKey, secret)).status).toBe(200);
  });

  it('Regenerate shows progress and ignores a second click: one new secret, and the one shown works', async () => {
    await page.goto(keysUrl());
    const consumerKey = (await page.locator('#consumer-key').textContent())!.trim();
    let posts = 0;
    await page.route('**/regenerate-secret', async (route) => {
      posts += 1;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.getByRole('link', { name: 'Regenerate secret' }).click();
    // Two clicks from page script in one go (Playwright's own click waits for the navigation to end).
    const state = await page.evaluate(`(() => {
      const button = document.querySelector('#regenerate button[type=submit]');
      button.click();
      const after = [button.textContent, button.getAttribute('aria-busy')];
      button.click();
      return after;
    })()`);
    expect(state).toEqual(['Regenerating…', 'true']);
    await page.getByRole('status').filter({ hasText: 'Consumer secret regenerated' }).waitFor();
    await page.unroute('**/regenerate-secret');
    expect(posts).toBe(1);
    const shown = await secretOnPage();
    const client = (await server.services.store.clients.listByApplication(application.id)).find((c) => c.keyType === 'PRODUCTION')!;
    expect(await server.services.clients.listSecrets(client)).toHaveLength(1);
    expect((await tokenWith(consumerKey, shown)).status).toBe(200);
  });

  it('a Regenerate sent from a stale page (another tab) does not replace the secret just shown', async () => {
    const consumerKey = (await page.locator('#consumer-key').textContent())!.trim();
    const shown = await secretOnPage();
    const other = await session.context.newPage();
    await other.goto(`${keysUrl()}?dialog=regenerate`);
    // The other tab's form names the secrets it saw; make it stale by regenerating here first.
    await page.getByRole('button', { name: 'I have copied the secret' }).click();
    await page.getByRole('status').filter({ hasText: 'now hidden' }).waitFor();
    await page.getByRole('link', { name: 'Regenerate secret' }).click();
    await page.getByRole('dialog', { name: 'Regenerate consumer secret?' }).getByRole('button', { name: 'Regenerate secret' }).click();
    await page.getByRole('status').filter({ hasText: 'Consumer secret regenerated' }).waitFor();
    const current = await secretOnPage();
    expect(current).not.toBe(shown);

    await other.getByRole('dialog', { name: 'Regenerate consumer secret?' }).getByRole('button', { name: 'Regenerate secret' }).click();
    await other.getByRole('status').filter({ hasText: 'already regenerated' }).waitFor();
    expect(await secretOnPage(other)).toBe(current);
    expect((await tokenWith(consumerKey, current)).status).toBe(200);
    await other.close();
  });

  it('shows the token URL and a ready client-credentials curl that works, and Try it calls a resource the chosen scope protects', async () => {
    const secret = await secretOnPage();
    const consumerKey = (await page.locator('#consumer-key').textContent())!.trim();
    expect((await page.locator('#token-endpoint').textContent())!.trim()).toBe(`${server.control}/oauth2/token`);
    await page.getByRole('button', { name: 'Copy CURL to generate an access token' }).click();
    const command = await clipboardText(page);
    expect(command).toBe(`curl -u "${consumerKey}:${secret}" -d "grant_type=client_credentials" "${server.control}/oauth2/token"`);
    const { stdout } = await sh('sh', ['-c', `${command} -sS`]);
    expect(JSON.parse(stdout)).toMatchObject({ token_type: 'Bearer' });

    await page.getByRole('link', { name: 'Generate Access Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate Access Token' });
    await dialog.getByRole('checkbox', { name: /orders:write/ }).check();
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await page.locator('.expiry').waitFor();
    const token = (await page.locator('#access-token').textContent())!.trim();
    await page.getByRole('button', { name: 'Copy Try it: PizzaShackAPI 1.0.0' }).click();
    const tryIt = await clipboardText(page);
    expect(tryIt).toBe(`curl -X POST -H "Authorization: Bearer ${token}" "${server.gateway}/pizzashack/1.0.0/order"`);
    const call = await sh('sh', ['-c', `${tryIt} -sS -o /dev/null -w '%{http_code}'`]);
    expect(call.stdout).toBe('200');
    // The token curl now asks for the scopes of the last token.
    expect((await page.locator('#token-curl').textContent())!).toContain('-d "scope=orders:write"');
  });
});

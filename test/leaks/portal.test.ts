import { generateKeyPairSync, sign } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/core/model.ts';
import { PASSWORD, aUser } from '../support/fixtures.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, launchBrowser, openSession, signIn } from '../support/browser.ts';

/** Issue 16 §5: the Developer Portal tells the owner which key was found public and revoked, with a one-click replacement; admins read the audit log. */

const run = browserAvailable('browser tests of leaked credentials');
const github = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe.skipIf(!run)('leaked credentials in the portal (browser)', { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let application: Application;
  let leaked: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ GATEHOUSE_LEAK_REPORT_KEYS: github.publicKey.export({ type: 'spki', format: 'pem' }).toString() }), launchBrowser()]);
    const user = await aUser(server.services, ['subscriber'], 'carol');
    application = await server.services.applications.create(user.id, { name: 'Carol app' });
    leaked = (await server.services.apiKeys.generate(user.id, application.id, 'PRODUCTION', { keyName: 'ci-key', permittedIP: '10.0.0.0/8' })).value;
    const body = JSON.stringify([{ token: leaked, type: 'gatehouse_api_key', url: 'https://github.com/carol/app/blob/main/.env', source: 'content' }]);
    const res = await fetch(`${server.control}/leaks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'github-public-key-identifier': 'k', 'github-public-key-signature': sign('sha256', Buffer.from(body), github.privateKey).toString('base64') },
      body,
    });
    expect(res.status).toBe(200);
    ({ page } = await openSession(browser, server.control));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the application page says where the key was found and when it was revoked; Replace issues a new key with the same restrictions', async () => {
    await signIn(page, 'carol', PASSWORD);
    await page.goto(`/devportal/applications/${application.id}`);
    const alert = page.getByRole('alert').filter({ hasText: 'found public' });
    await expect(alert.textContent()).resolves.toMatch(/This production API key \(gak_prod_\w{4}…\) was found public at https:\/\/github\.com\/carol\/app\/blob\/main\/\.env and was revoked at \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    await expect(page.getByRole('link', { name: 'https://github.com/carol/app/blob/main/.env' }).getAttribute('rel')).resolves.toBe('noopener noreferrer');
    const events = await page.getByRole('table').textContent();
    expect(events).toContain('leaked');
    expect(events).toContain('github');
    expect(await page.content()).not.toContain(leaked);

    await alert.getByRole('button', { name: 'Replace this production API key' }).click();
    await page.waitForURL(/\/keys\/production\/api-keys$/);
    const value = await page.locator('#api-key-value').inputValue().catch(async () => (await page.locator('#api-key-value').textContent()) ?? '');
    expect(value).toMatch(/^gak_prod_\w{49}$/);
    const keys = await server.services.apiKeys.list((await server.services.users.findByUsername('carol'))!.id, application.id, 'PRODUCTION');
    expect(keys.map((k) => [k.name, k.permittedIps])).toEqual([['ci-key', ['10.0.0.0/8']]]);
  });

  it('admins see the events on the Audit log page', async () => {
    const admin = await openSession(browser, server.control);
    await signIn(admin.page, 'admin', ADMIN_PASSWORD);
    await admin.page.goto('/admin/audit');
    await admin.page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const table = await admin.page.getByRole('table').textContent();
    expect(table).toContain('credential.leaked');
    expect(table).toContain('credential.created');
    expect(await admin.page.content()).not.toContain(leaked);
  });
});

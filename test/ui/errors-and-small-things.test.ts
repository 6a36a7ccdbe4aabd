import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../src/core/model.ts';
import { PASSWORD, aUser } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, launchBrowser, openSession, screenshot, signIn, startTinyBackend, type Backend } from '../support/browser.ts';
import { overflowsHorizontally, publishSampleApi } from './helpers.ts';

/**
 * Issue 15 §7 and §8 in a real browser: error messages in words people use, every sign-up problem at
 * once, an expired session that keeps what was typed; the favicon, the styled 404, the header at
 * phone width and the Publisher's order of Local scopes before Resources.
 */

const run = browserAvailable('browser tests of error messages and small things');

describe.skipIf(!run)('errors that speak to people, and small things (browser)', { timeout: 90_000 }, () => {
  let server: TestServer;
  let backend: Backend;
  let browser: Browser;
  let application: Application;

  const apiKeysUrl = () => `/devportal/applications/${application.id}/keys/production/api-keys`;

  beforeAll(async () => {
    [server, backend, browser] = await Promise.all([startTestServer(), startTinyBackend(), launchBrowser()]);
    await publishSampleApi(server.services, backend.url);
    const user = await aUser(server.services, ['subscriber'], 'dora');
    application = await server.services.applications.create(user.id, { name: 'Dora dashboard', tokenType: 'JWT' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.close();
  });

  it('a validation error names the field as the form does, with its unit', async () => {
    const { page, context } = await openSession(browser, server.control);
    page.setDefaultTimeout(20_000);
    await signIn(page, 'dora', PASSWORD);
    await page.goto(apiKeysUrl());
    await page.getByLabel('Key name').fill('kiosk');
    await page.getByLabel('Validity period').fill('1.5');
    await page.getByRole('button', { name: 'Generate key' }).click();
    const message = await page.locator('#f-validityPeriod-error').textContent();
    expect(message).toContain('Validity period must be a whole number of seconds.');
    expect(message).not.toContain('validityPeriod');
    expect(await page.getByLabel('Key name').inputValue()).toBe('kiosk');
    await context.close();
  });

  it('sign-up shows every problem at once', async () => {
    const { page, context } = await openSession(browser, server.control);
    await page.goto('/devportal/signup');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('different');
    await page.getByRole('button', { name: 'Sign up' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    const items = await summary.getByRole('listitem').allTextContents();
    expect(items).toEqual(['Enter a username.', 'Password must have at least 8 characters.', 'The passwords do not match.']);
    expect(await page.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');

    // A username in the wrong format is reported beside the other problems, not after them.
    await page.getByLabel('Username').fill('-not a name!');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => summary.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^Username must be 1-100 characters/),
      'Password must have at least 8 characters.',
    ]);
    await context.close();
  });

  it('an expired session keeps what was typed: sign in again and the form comes back filled in', async () => {
    const { page, context } = await openSession(browser, server.control);
    page.setDefaultTimeout(20_000);
    await signIn(page, 'dora', PASSWORD);
    await page.goto(apiKeysUrl());
    await page.getByLabel('Key name').fill('night-shift');
    await page.getByLabel('Permitted IP addresses').fill('10.0.0.0/8');
    // The session ends on the server while the form is open (sign-out elsewhere, expiry, restart).
    for (const cookie of await context.cookies()) {
      if (cookie.name.includes('session')) await server.services.sessions.destroy(cookie.value);
    }
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.getByRole('heading', { name: 'Form expired' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe(`/devportal/login?next=${encodeURIComponent(apiKeysUrl())}`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill('dora');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === apiKeysUrl());
    await expect.poll(() => page.getByLabel('Key name').inputValue()).toBe('night-shift');
    expect(await page.getByLabel('Permitted IP addresses').inputValue()).toBe('10.0.0.0/8');
    expect(await page.getByRole('status').filter({ hasText: 'What you typed is back' }).count()).toBe(1);
    expect(await server.services.apiKeys.list(application.ownerId, application.id, 'PRODUCTION')).toEqual([]);
    // Submitted now, it works; the draft is gone afterwards.
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.locator('#api-key-value').waitFor();
    await page.getByRole('button', { name: 'I have copied the key' }).click();
    await page.getByRole('status').filter({ hasText: 'now hidden' }).waitFor();
    expect(await page.getByLabel('Key name').inputValue()).toBe('');
    await context.close();
  });

  it('no console errors: /favicon.ico is served; unknown portal pages get the styled 404 page', async () => {
    const { page, context } = await openSession(browser, server.control);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto('/devportal/apis');
    const icon = await fetch(`${server.control}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);

    for (const path of ['/devportal/nowhere', '/publisher/apis/x/y/z', '/admin/nothing-here']) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      expect(response?.headers()['content-type']).toContain('text/html');
      expect(await page.getByRole('heading', { name: 'Page not found' }).count(), path).toBe(1);
    }
    await context.close();
  });

  it('at phone width the header takes two rows, even with every portal link', async () => {
    await aUser(server.services, ['admin'], 'ada');
    const phone = await openSession(browser, server.control, { width: 375, height: 740 });
    await signIn(phone.page, 'ada', PASSWORD);
    await phone.page.goto('/devportal/applications');
    await screenshot(phone.page, 'devportal-header-phone');
    // Rows: header children whose vertical extents do not overlap the row before.
    const rows = await phone.page.evaluate(`(() => {
      const boxes = Array.from(document.querySelectorAll('header.top > *:not(.skip)')).map((el) => el.getBoundingClientRect()).sort((a, b) => a.top - b.top);
      let rows = 0, bottom = -Infinity;
      for (const box of boxes) { if (box.top >= bottom - 2) { rows += 1; bottom = box.bottom; } else bottom = Math.max(bottom, box.bottom); }
      return rows;
    })()`);
    expect(rows).toBeLessThanOrEqual(2);
    expect(await overflowsHorizontally(phone.page)).toBe(false);
    await phone.context.close();
  });
});

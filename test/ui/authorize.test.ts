import { createHash, randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, openSession } from '../support/browser.ts';
import { anAppWithKeys, PASSWORD, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The authorization-code sign-in and consent pages in a real browser (same-origin form posts carry their Origin). */

const CALLBACK = 'http://127.0.0.1:9/callback';
const available = browserAvailable('OAuth authorize pages in Chromium');

describe.skipIf(!available)('authorization code flow in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let app: AppWithKeys;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    app = await anAppWithKeys(server.services, { settings: { grantTypes: ['authorization_code'], callbackUrl: CALLBACK } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, consents and lands on the callback with a code that redeems', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { page } = await openSession(browser, server.control);
    const params = new URLSearchParams({ response_type: 'code', client_id: app.client.consumerKey, redirect_uri: CALLBACK, state: 's1', code_challenge: challenge, code_challenge_method: 'S256' });
    let callback: URL | undefined;
    await page.route(`${CALLBACK}**`, async (route) => {
      callback = new URL(route.request().url());
      await route.fulfill({ status: 200, body: 'done' });
    });
    await page.goto(`/oauth2/authorize?${params}`);
    await page.getByLabel('Username').fill(app.user.username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => callback?.searchParams.get('code') ?? null, { timeout: 15_000 }).not.toBeNull();
    expect(callback!.searchParams.get('state')).toBe('s1');
    const tokens = await postForm(
      `${server.control}/oauth2/token`,
      { grant_type: 'authorization_code', code: callback!.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier },
      { authorization: basic(app.client.consumerKey, app.secret) },
    );
    expect(tokens.status).toBe(200);
  });
});

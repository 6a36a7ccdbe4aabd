import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application, User } from '../../src/core/model.ts';
import { CookieClient, hiddenField } from '../support/browserless.ts';
import { DEFAULT_KEY_SETTINGS, PASSWORD, aUser } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, launchBrowser, openSession, signIn } from '../support/browser.ts';

/** The portal's security cases from security-cases.md: P01–P05, P08, P09, and escaping of names. */

const SESSION = 'gatehouse-session';
const EVIL = 'https://evil.example';

async function signedIn(server: TestServer, username: string, password = PASSWORD): Promise<CookieClient> {
  const client = new CookieClient(server.control);
  const form = await (await client.request('/devportal/login')).text();
  const response = await client.postForm('/devportal/login', { csrf: hiddenField(form, 'csrf'), username, password });
  expect(response.status).toBe(303);
  return client;
}

/** The session's CSRF token, read from any signed-in page. */
async function csrfOf(client: CookieClient): Promise<string> {
  return hiddenField(await (await client.request('/devportal/applications')).text(), 'csrf');
}

async function loginAttempt(server: TestServer, username: string, password: string) {
  const client = new CookieClient(server.control);
  const form = await (await client.request('/devportal/login')).text();
  const response = await client.postForm('/devportal/login', { csrf: hiddenField(form, 'csrf'), username, password });
  const text = await response.text();
  const message = /<div class="alert error[^>]*>[\s\S]*?<li>([^<]*)<\/li>/.exec(text)?.[1];
  return { status: response.status, retryAfter: response.headers.get('retry-after'), message };
}

describe('portal security', () => {
  let server: TestServer;
  let user: User;
  let application: Application;
  let consumerKey: string;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer();
    user = await aUser(server.services, ['subscriber'], 'erin');
    application = await server.services.applications.create(user.id, { name: 'erin-app' });
    const keys = await server.services.clients.generateKeys(application, 'PRODUCTION', DEFAULT_KEY_SETTINGS);
    consumerKey = keys.client.consumerKey;
    secret = keys.secret;
  });
  afterAll(async () => server?.close());

  const secretWorks = async () =>
    (await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(consumerKey, secret) })).status === 200;

  it('P01 cross-site posts (no CSRF token, a wrong one, or Origin evil.example) → 403 and nothing changes', async () => {
    const client = await signedIn(server, 'erin');
    const csrf = await csrfOf(client);
    const base = `/devportal/applications/${application.id}`;
    const actions: Array<[string, Record<string, string>]> = [
      ['/devportal/applications/new', { name: 'evil-app', throttlingPolicy: 'Unlimited', tokenType: 'JWT' }],
      [`${base}/keys/production/regenerate-secret`, {}],
      [`${base}/keys/sandbox/generate`, { grantTypesToBeSupported: 'client_credentials' }],
      [`${base}/keys/production/api-keys/generate`, { keyName: 'evil' }],
      [`${base}/delete`, {}],
      ['/devportal/account', { currentPassword: PASSWORD, password: 'attacker-password', confirmPassword: 'attacker-password', endOtherSessions: 'true' }],
    ];
    for (const [path, fields] of actions) {
      expect((await client.postForm(path, fields)).status, `${path} without token`).toBe(403);
      expect((await client.postForm(path, { ...fields, csrf: 'x'.repeat(43) })).status, `${path} wrong token`).toBe(403);
      expect((await client.postForm(path, { ...fields, csrf }, { origin: EVIL })).status, `${path} other origin`).toBe(403);
      expect((await client.postForm(path, { ...fields, csrf }, { referer: `${EVIL}/page` })).status, `${path} other referer`).toBe(403);
    }
    const services = server.services;
    expect((await services.applications.list(user.id, { limit: 10, offset: 0 })).items.map((a) => a.name)).toEqual(['erin-app']);
    expect(await secretWorks()).toBe(true);
    expect((await services.store.clients.listByApplication(application.id)).map((c) => c.keyType)).toEqual(['PRODUCTION']);
    expect(await services.apiKeys.list(user.id, application.id, 'PRODUCTION')).toEqual([]);
    expect(await services.users.authenticate('erin', PASSWORD)).not.toBeNull();
    // The same request from our own page goes through: the refusals above were about the token and origin.
    expect((await client.postForm('/devportal/applications/new', { name: 'real-app', csrf }, { origin: server.control })).status).toBe(303);
  });

  it('P01 GET and HEAD never change state: action addresses answer 405', async () => {
    const client = await signedIn(server, 'erin');
    const base = `/devportal/applications/${application.id}`;
    for (const path of [`${base}/delete`, `${base}/keys/production/regenerate-secret`, `${base}/keys/production/delete`, '/devportal/logout']) {
      for (const method of ['GET', 'HEAD']) {
        const response = await client.request(path, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
      }
    }
    expect(await server.services.applications.get(user.id, application.id)).toMatchObject({ id: application.id, name: 'erin-app' });
    expect(await secretWorks()).toBe(true);
    expect((await client.request('/devportal/applications')).status).toBe(200);
  });

  it('P02 the session cookie is HttpOnly and SameSite; pages forbid framing, caching and CORS', async () => {
    const client = new CookieClient(server.control);
    const form = await client.request('/devportal/login');
    const preAuth = form.headers.getSetCookie().find((c) => c.startsWith('gatehouse-csrf='))!;
    expect(preAuth).toMatch(/; HttpOnly/);
    expect(preAuth).toMatch(/; SameSite=Strict/);
    const response = await client.postForm('/devportal/login', { csrf: hiddenField(await form.text(), 'csrf'), username: 'erin', password: PASSWORD });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`))!;
    expect(cookie).toMatch(/^gatehouse-session=gss_\w+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const page = await client.request('/devportal/applications', { headers: { origin: EVIL } });
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('P02 under an https issuer: __Host- cookies with Secure, and Strict-Transport-Security', async () => {
    const tls = await startTestServer({ GATEHOUSE_ISSUER: 'https://portal.example' });
    try {
      await aUser(tls.services, ['subscriber'], 'frank');
      const client = new CookieClient(tls.control);
      const form = await client.request('/devportal/login');
      expect(form.headers.getSetCookie().find((c) => c.startsWith('__Host-gatehouse-csrf='))).toMatch(/; Path=\/; HttpOnly; SameSite=Strict; Secure/);
      const response = await client.postForm('/devportal/login', { csrf: hiddenField(await form.text(), 'csrf'), username: 'frank', password: PASSWORD });
      expect(response.status).toBe(303);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-gatehouse-session='))!;
      expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=\d+$/);
      expect(cookie).not.toMatch(/Domain=/i);
      const page = await client.request('/devportal/applications');
      expect(page.status).toBe(200);
      expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000');
    } finally {
      await tls.close();
    }
  });

  it('P03 signing in issues a new session id and ends the one the browser presented (fixation)', async () => {
    await aUser(server.services, ['subscriber'], 'mallory');
    const attacker = await signedIn(server, 'mallory');
    const planted = attacker.cookies.get(SESSION)!;

    const victim = new CookieClient(server.control);
    const form = await (await victim.request('/devportal/login')).text();
    victim.cookies.set(SESSION, planted);
    const response = await victim.postForm('/devportal/login', { csrf: hiddenField(form, 'csrf'), username: 'erin', password: PASSWORD });
    expect(response.status).toBe(303);
    const issued = victim.cookies.get(SESSION)!;
    expect(issued).not.toBe(planted);
    expect(await server.services.sessions.resolve(planted)).toBeNull();
    expect((await attacker.request('/devportal/applications')).status).toBe(303);
    expect(await (await victim.request('/devportal/account')).text()).toContain('<dd>erin</dd>');
  });

  it('P04 signing out deletes the session on the server: replaying the old cookie needs a new sign-in', async () => {
    const client = await signedIn(server, 'erin');
    const token = client.cookies.get(SESSION)!;
    const out = await client.postForm('/devportal/logout', { csrf: await csrfOf(client) });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/devportal/login?signedOut=1');
    expect(client.cookies.has(SESSION)).toBe(false);
    const replay = new CookieClient(server.control);
    replay.cookies.set(SESSION, token);
    const page = await replay.request('/devportal/applications');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/devportal/login?next=%2Fdevportal%2Fapplications');
    expect(await server.services.sessions.resolve(token)).toBeNull();
  });

  it("P04 a disabled account's sessions are dead, and stay dead after it is enabled again", async () => {
    const grace = await aUser(server.services, ['subscriber'], 'grace');
    const client = await signedIn(server, 'grace');
    await server.services.users.setDisabled(grace.id, true);
    expect((await client.request('/devportal/applications')).status).toBe(303);
    expect((await loginAttempt(server, 'grace', PASSWORD)).status).toBe(401);
    await server.services.users.setDisabled(grace.id, false);
    expect((await client.request('/devportal/applications')).status).toBe(303);
  });

  it('P04 changing the password can end every other session', async () => {
    await aUser(server.services, ['subscriber'], 'heidi');
    const here = await signedIn(server, 'heidi');
    const elsewhere = await signedIn(server, 'heidi');
    const before = here.cookies.get(SESSION)!;
    const csrf = hiddenField(await (await here.request('/devportal/account')).text(), 'csrf');
    const wrong = await here.postForm('/devportal/account', { csrf, currentPassword: 'not-it', password: 'new-password-1', confirmPassword: 'new-password-1' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('id="f-currentPassword-error"');
    const changed = await here.postForm('/devportal/account', { csrf, currentPassword: PASSWORD, password: 'new-password-1', confirmPassword: 'new-password-1', endOtherSessions: 'true' });
    expect(changed.status).toBe(303);
    expect((await elsewhere.request('/devportal/applications')).status).toBe(303);
    expect(here.cookies.get(SESSION)).not.toBe(before);
    expect((await here.request('/devportal/account')).status).toBe(200);
    expect((await loginAttempt(server, 'heidi', 'new-password-1')).status).toBe(303);
  });

  it("P05 another user's application answers 404 and cannot be changed", async () => {
    await aUser(server.services, ['subscriber'], 'ivan');
    const other = await signedIn(server, 'ivan');
    const csrf = await csrfOf(other);
    const base = `/devportal/applications/${application.id}`;
    for (const path of [base, `${base}/keys/production`, `${base}/subscriptions`, `${base}/keys/production/api-keys`]) {
      expect((await other.request(path)).status, path).toBe(404);
    }
    expect((await other.postForm(`${base}/delete`, { csrf })).status).toBe(404);
    expect((await other.postForm(`${base}/keys/production/regenerate-secret`, { csrf })).status).toBe(404);
    expect(await server.services.applications.get(user.id, application.id)).toMatchObject({ id: application.id, name: 'erin-app' });
    expect(await secretWorks()).toBe(true);
  });

  it('A02 sign-in returns to the page asked for, but never to another site', async () => {
    for (const [next, expected] of [
      ['/devportal/applications/x?dialog=token', '/devportal/applications/x?dialog=token'],
      ['https://evil.example/', '/devportal/applications'],
      ['//evil.example/devportal', '/devportal/applications'],
      ['/\\evil.example', '/devportal/applications'],
      ['/devportal\\@evil.example', '/devportal/applications'],
      ['/devportal/../oauth2', '/devportal/applications'],
    ]) {
      const client = new CookieClient(server.control);
      const form = await (await client.request('/devportal/login')).text();
      const response = await client.postForm('/devportal/login', { csrf: hiddenField(form, 'csrf'), username: 'erin', password: PASSWORD, next: next! });
      expect(response.headers.get('location'), next).toBe(expected);
    }
  });

  it('P09 an unknown user and a wrong password get the same answer', async () => {
    const unknown = await loginAttempt(server, 'nobody-here', 'whatever-password');
    const wrong = await loginAttempt(server, 'erin', 'whatever-password');
    expect(unknown).toEqual(wrong);
    expect(wrong).toMatchObject({ status: 401, message: 'Wrong username or password.' });
  });
});

describe('P08 sign-in throttling', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await aUser(server.services, ['subscriber'], 'judy');
  });
  afterAll(async () => server?.close());

  it('P08 ten wrong passwords → 429 with Retry-After, even for the right one; after the window it works', async () => {
    for (let i = 0; i < 10; i++) expect((await loginAttempt(server, 'judy', `wrong-${i}`)).status).toBe(401);
    const throttled = await loginAttempt(server, 'judy', PASSWORD);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0);
    expect(throttled.message).toMatch(/^Too many failed sign-in attempts\. Try again in \d+ seconds\.$/);
    server.clock.advance(15 * 60_000 + 1000);
    expect((await loginAttempt(server, 'judy', PASSWORD)).status).toBe(303);
  });

  it('P08 one address trying many accounts (credential stuffing) is throttled too, never locked out for good', async () => {
    for (let i = 0; i < 30; i++) expect((await loginAttempt(server, `stuffed-${i}`, 'password123')).status).toBe(401);
    expect((await loginAttempt(server, 'judy', PASSWORD)).status).toBe(429);
    server.clock.advance(15 * 60_000 + 1000);
    expect((await loginAttempt(server, 'judy', PASSWORD)).status).toBe(303);
  });
});

const browserOk = browserAvailable('browser test of escaping in the portal');

describe.skipIf(!browserOk)('names are shown as text (browser)', { timeout: 60_000 }, () => {
  it('an application named <script>alert(1)</script> and an API named with an onerror handler run no script', async () => {
    const server = await startTestServer();
    const browser = await launchBrowser();
    try {
      const user = await aUser(server.services, ['subscriber'], 'oscar');
      const publisher = await aUser(server.services, ['publisher']);
      const api = await server.services.apis.create(publisher.id, {
        name: '<img src=x onerror=alert(2)>',
        context: '/xss',
        version: '1.0.0',
        productionUrl: 'http://127.0.0.1:9',
        operations: [{ target: '/*', verb: 'GET' }],
      });
      await server.services.apis.changeLifecycle(api.id, 'Publish');
      const { page, dialogs } = await openSession(browser, server.control);
      await signIn(page, 'oscar', PASSWORD);
      await page.goto('/devportal/applications/new');
      await page.getByLabel('Application name').fill('<script>alert(1)</script>');
      await page.getByLabel('Description').fill('"><svg onload=alert(3)>');
      await page.getByRole('button', { name: 'Save' }).click();
      const [created] = (await server.services.applications.list(user.id, { limit: 5, offset: 0 })).items;
      await server.services.subscriptions.subscribe(user.id, { applicationId: created!.id, apiId: api.id });
      for (const path of ['/devportal/applications', `/devportal/applications/${created!.id}`, `/devportal/applications/${created!.id}/subscriptions`, '/devportal/apis', `/devportal/apis/${api.id}`]) {
        await page.goto(path);
        const name = path.includes('/apis') ? '<img src=x onerror=alert(2)>' : '<script>alert(1)</script>';
        expect(await page.getByText(name).first().isVisible(), path).toBe(true);
      }
      await page.goto(`/devportal/applications/${created!.id}`);
      expect(await page.getByText('"><svg onload=alert(3)>').isVisible()).toBe(true);
      expect(dialogs.map((d) => d.message())).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

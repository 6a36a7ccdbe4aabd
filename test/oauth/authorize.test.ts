import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPublishedApi, anAppWithKeys, PASSWORD, subscribe, type AppWithKeys } from '../support/fixtures.ts';
import { CookieClient, hiddenField } from '../support/browserless.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The authorization code flow with PKCE: A01–A03, T24–T26, C02. */

const CALLBACK = 'https://client.example.com/cb';
let server: TestServer;
let app: AppWithKeys;

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeQuery(overrides: Record<string, string | null> = {}, challenge = pkce().challenge): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: app.client.consumerKey,
    redirect_uri: CALLBACK,
    state: 'xyz',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  for (const [k, v] of Object.entries(overrides)) if (v === null) params.delete(k); else params.set(k, v);
  return params.toString();
}

/** Signs in through the login page and approves; returns the redirect Location. */
async function approve(browser: CookieClient, query: string): Promise<URL> {
  let page = await browser.request(`/oauth2/authorize?${query}`);
  let html = await page.text();
  if (html.includes('action="/oauth2/authorize/login"')) {
    const login = await browser.postForm('/oauth2/authorize/login', {
      csrf: hiddenField(html, 'csrf'),
      request: hiddenField(html, 'request'),
      username: app.user.username,
      password: PASSWORD,
    });
    expect(login.status).toBe(303);
    page = await browser.request(login.headers.get('location')!);
    html = await page.text();
  }
  expect(html).toContain('Authorize access');
  const decision = await browser.postForm('/oauth2/authorize/decision', { csrf: hiddenField(html, 'csrf'), request: hiddenField(html, 'request'), decision: 'approve' });
  expect(decision.status).toBe(303);
  return new URL(decision.headers.get('location')!);
}

const redeem = (code: string, verifier: string, redirectUri = CALLBACK) =>
  postForm(
    `${server.control}/oauth2/token`,
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
    { authorization: basic(app.client.consumerKey, app.secret) },
  );

beforeAll(async () => {
  server = await startTestServer();
  app = await anAppWithKeys(server.services, {
    settings: { grantTypes: ['authorization_code', 'refresh_token'], callbackUrl: CALLBACK },
  });
});
afterAll(async () => server?.close());

describe('authorization endpoint', () => {
  it('runs sign-in → consent → code → tokens, with state and iss in the redirect', async () => {
    const { verifier, challenge } = pkce();
    const location = await approve(new CookieClient(server.control), authorizeQuery({}, challenge));
    expect(location.origin + location.pathname).toBe(CALLBACK);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(server.control);
    const tokens = await redeem(location.searchParams.get('code')!, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'default' });
    expect(tokens.body.refresh_token).toMatch(/^grt_[0-9A-Za-z]{49}$/);
  });

  it('T31 authorization_code: a role-bound scope the signed-in user lacks is dropped', async () => {
    const api = await aPublishedApi(server.services, { scopes: [{ name: 'read_alpha' }, { name: 'adm_alpha', bindings: ['admin'] }] });
    await subscribe(server.services, app, api);
    const { verifier, challenge } = pkce();
    const location = await approve(new CookieClient(server.control), authorizeQuery({ scope: 'read_alpha adm_alpha' }, challenge));
    const tokens = await redeem(location.searchParams.get('code')!, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('read_alpha');
  });

  it('A01 a redirect_uri that is not byte-identical to the registered one → 400 page, no redirect', async () => {
    for (const uri of ['https://client.example.com:443/cb', 'https://CLIENT.EXAMPLE.COM/cb', `${CALLBACK}/extra`, 'https://attacker.example/.client.example.com']) {
      const res = await fetch(`${server.control}/oauth2/authorize?${authorizeQuery({ redirect_uri: uri })}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('invalid_redirect_uri');
    }
    const unknown = await fetch(`${server.control}/oauth2/authorize?${authorizeQuery({ client_id: 'nope' })}`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
  });

  it('A03 sign-in answers 303 (never 307); pages forbid framing', async () => {
    const browser = new CookieClient(server.control);
    const page = await browser.request(`/oauth2/authorize?${authorizeQuery()}`);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    const login = await browser.postForm('/oauth2/authorize/login', {
      csrf: hiddenField(html, 'csrf'),
      request: hiddenField(html, 'request'),
      username: app.user.username,
      password: PASSWORD,
    });
    expect(login.status).toBe(303);
  });

  it('the login form rejects a missing CSRF token and cross-site posts', async () => {
    const browser = new CookieClient(server.control);
    const html = await (await browser.request(`/oauth2/authorize?${authorizeQuery()}`)).text();
    const fields = { request: hiddenField(html, 'request'), username: app.user.username, password: PASSWORD };
    expect((await browser.postForm('/oauth2/authorize/login', fields)).status).toBe(403);
    const crossSite = await browser.postForm('/oauth2/authorize/login', { ...fields, csrf: hiddenField(html, 'csrf') }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
  });

  it('A04 the consent decision is refused (403, no redirect, no code) with a wrong or missing CSRF token or a foreign Origin', async () => {
    const browser = new CookieClient(server.control);
    await approve(browser, authorizeQuery());
    const html = await (await browser.request(`/oauth2/authorize?${authorizeQuery()}`)).text();
    expect(html).toContain('Authorize access');
    const fields = { request: hiddenField(html, 'request'), decision: 'approve' };
    const csrf = hiddenField(html, 'csrf');
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['wrong CSRF token', { ...fields, csrf: `${csrf.slice(0, -2)}xx` }, {}],
      ['another CSRF-looking value', { ...fields, csrf: 'A'.repeat(csrf.length) }, {}],
      ['missing CSRF token', fields, {}],
      ['empty CSRF token', { ...fields, csrf: '' }, {}],
      ['foreign Origin', { ...fields, csrf }, { origin: 'https://evil.example' }],
      ['foreign Referer', { ...fields, csrf }, { referer: 'https://evil.example/page' }],
    ];
    for (const [label, body, headers] of attempts) {
      const res = await browser.postForm('/oauth2/authorize/decision', body, headers);
      expect(res.status, label).toBe(403);
      expect(res.headers.get('location'), label).toBeNull();
      expect(await res.text(), label).toContain('access_denied');
    }
    // The same form with its own token and origin goes through, so the refusals above were the checks.
    const ok = await browser.postForm('/oauth2/authorize/decision', { ...fields, csrf }, { origin: server.control });
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('errors after the redirect_uri is verified go back to the client (unsupported_response_type, PKCE required)', async () => {
    for (const [overrides, error] of [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge: null }, 'invalid_request'],
    ] as const) {
      const res = await fetch(`${server.control}/oauth2/authorize?${authorizeQuery(overrides)}`, { redirect: 'manual' });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('state')).toBe('xyz');
    }
  });

  it('T26 PKCE: plain is refused at authorize; a wrong verifier → invalid_grant', async () => {
    const plain = await fetch(`${server.control}/oauth2/authorize?${authorizeQuery({ code_challenge_method: 'plain' })}`, { redirect: 'manual' });
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const { challenge } = pkce();
    const location = await approve(new CookieClient(server.control), authorizeQuery({}, challenge));
    const wrong = await redeem(location.searchParams.get('code')!, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    const missing = await postForm(
      `${server.control}/oauth2/token`,
      { grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: CALLBACK },
      { authorization: basic(app.client.consumerKey, app.secret) },
    );
    expect(missing.body.error).toBe('invalid_grant');
  });

  it("T24 a code redeemed twice: the second fails and the first redemption's tokens are revoked", async () => {
    const { verifier, challenge } = pkce();
    const code = (await approve(new CookieClient(server.control), authorizeQuery({}, challenge))).searchParams.get('code')!;
    const first = await redeem(code, verifier);
    expect(first.status).toBe(200);
    const second = await redeem(code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    const info = await postForm(`${server.control}/oauth2/introspect`, { token: String(first.body.access_token) }, { authorization: basic(app.client.consumerKey, app.secret) });
    expect(info.body).toEqual({ active: false });
  });

  it('T25 a code redeemed after its lifetime, or with another redirect_uri → invalid_grant', async () => {
    const browser = new CookieClient(server.control);
    const a = pkce();
    const late = (await approve(browser, authorizeQuery({}, a.challenge))).searchParams.get('code')!;
    server.clock.advance(10 * 60_000 + 1000);
    try {
      expect((await redeem(late, a.verifier)).body.error).toBe('invalid_grant');
    } finally {
      server.clock.advance(-(10 * 60_000 + 1000));
    }
    const b = pkce();
    const code = (await approve(browser, authorizeQuery({}, b.challenge))).searchParams.get('code')!;
    expect((await redeem(code, b.verifier, 'https://client.example.com/other')).body.error).toBe('invalid_grant');
  });

  it('C02 ten parallel redemptions of one code: exactly one 200', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approve(new CookieClient(server.control), authorizeQuery({}, challenge))).searchParams.get('code')!;
    const results = await Promise.all(Array.from({ length: 10 }, () => redeem(code, verifier)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('deny sends access_denied back to the client', async () => {
    const browser = new CookieClient(server.control);
    await approve(browser, authorizeQuery());
    const html = await (await browser.request(`/oauth2/authorize?${authorizeQuery()}`)).text();
    const res = await browser.postForm('/oauth2/authorize/decision', { csrf: hiddenField(html, 'csrf'), request: hiddenField(html, 'request'), decision: 'deny' });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });
});

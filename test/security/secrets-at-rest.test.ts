import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCredential } from '../../src/core/credentials.ts';
import { cryptoRandom } from '../../src/core/random.ts';
import { CookieClient, hiddenField } from '../support/browserless.ts';
import { aPublishedApi, anAppWithKeys, aUser, PASSWORD, subscribe } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';

/** S01 (no plaintext at rest), S03 (no secrets in logs), S05 (constant-time comparisons), S07 (CSRF tokens hashed), C04. */

let server: TestServer;
const sentinels: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const api = await aPublishedApi(server.services);
  for (const tokenType of ['JWT', 'OAUTH'] as const) {
    const app = await anAppWithKeys(server.services, { tokenType });
    await subscribe(server.services, app, api);
    sentinels.push(app.secret);
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    const tokens = await postForm(`${server.control}/oauth2/token`, { grant_type: 'password', username: app.user.username, password: PASSWORD }, auth);
    sentinels.push(String(tokens.body.access_token), String(tokens.body.refresh_token));
    const refreshed = await postForm(`${server.control}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token) }, auth);
    sentinels.push(String(refreshed.body.access_token), String(refreshed.body.refresh_token));
    await postForm(`${server.control}/oauth2/introspect`, { token: String(refreshed.body.access_token) }, auth);
    await postForm(`${server.control}/oauth2/revoke`, { token: String(refreshed.body.access_token) }, auth);
    // Failure paths log too: a wrong secret, a bad token, a secret in the query string.
    await postForm(`${server.control}/oauth2/token?client_secret=${app.secret}`, { grant_type: 'client_credentials' });
    await postForm(`${server.control}/oauth2/introspect`, { token: `${app.secret}x` }, auth);
    const { value } = await server.services.apiKeys.generate(app.user.id, app.application.id, 'PRODUCTION', { keyName: 'k' });
    sentinels.push(value);
    const extra = await server.services.clients.generateSecret(app.client, { description: 'second', expiresInSeconds: null });
    sentinels.push(extra.value);
  }
  sentinels.push(PASSWORD, ADMIN_PASSWORD);
});
afterAll(async () => server?.close());

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets at rest and in logs', () => {
  it('S01 the SQLite files (database and WAL) hold no plaintext secret, token, API key or password, nor its SHA-256', async () => {
    await server.services.store.ping();
    const bytes = filesUnder(server.dataDir)
      .filter((f) => f.includes('gatehouse.db'))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
    expect(bytes.length).toBeGreaterThan(0);
    for (const sentinel of sentinels) {
      // JWTs are not stored either; only their jti.
      expect(bytes.includes(sentinel)).toBe(false);
      // Nor their SHA-256: hashes are peppered by default, so a copy of the files cannot confirm a guess.
      expect(bytes.includes(createHash('sha256').update(sentinel).digest('hex'))).toBe(false);
    }
  });

  it('S03 the logs of the whole flow hold none of them, nor any Authorization value', () => {
    const logs = server.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const sentinel of sentinels) expect(logs.includes(sentinel)).toBe(false);
    expect(logs).not.toMatch(/Basic [A-Za-z0-9+/=]{10,}/);
    expect(logs).not.toMatch(/(gcs|gat|grt|gak_prod|gak_sbx)_[0-9A-Za-z]{40,}/);
  });

  it('S02 signing keys are encrypted at rest under the system secret', async () => {
    for (const key of await server.services.store.signingKeys.list('access-token')) {
      expect(key.privateKeyEnc.startsWith('v1.')).toBe(true);
      expect(key.privateKeyEnc).not.toContain('PRIVATE KEY');
    }
  });

  it('S05 no secret, hash, CSRF token or PKCE value in src/ is compared with === or !==', () => {
    const suspicious = /(secret|password|hash|csrf|verifier|challenge)\w*\s*[!=]==|[!=]==\s*[\w.]*(secret|hash|csrf|verifier|challenge)\b/i;
    const allowed = [/url\.(hash|password) !== ''/, /s\.id === secretId/, /[!=]== (null|undefined)/, /typeof /];
    const offenders = filesUnder(join(import.meta.dirname, '../../src'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, i: i + 1, line })))
      .filter(({ line }) => suspicious.test(line) && !allowed.some((a) => a.test(line)));
    expect(offenders).toEqual([]);
  });

  it("S07 a portal session's CSRF token is stored only as its hash; its forms carry it and posts with it pass", async () => {
    const user = await aUser(server.services, ['subscriber']);
    const browser = new CookieClient(server.control);
    const login = await (await browser.request('/devportal/login')).text();
    expect((await browser.postForm('/devportal/login', { csrf: hiddenField(login, 'csrf'), username: user.username, password: PASSWORD })).status).toBe(303);
    const csrf = hiddenField(await (await browser.request('/devportal/applications/new')).text(), 'csrf');
    const token = browser.cookies.get('gatehouse-session')!;
    const stored = (await server.services.store.sessions.find(server.services.hasher.hash(token)))!;
    expect(stored.csrfToken).not.toBe(csrf);
    expect(stored.csrfToken).toBe(server.services.hasher.hash(csrf));
    await server.services.store.ping();
    const bytes = filesUnder(server.dataDir).filter((f) => f.includes('gatehouse.db')).map((f) => readFileSync(f).toString('latin1')).join('\n');
    expect(bytes.includes(csrf)).toBe(false);
    // One character changed (to another: a token ending in `A` would otherwise stay the same).
    const wrong = await browser.postForm('/devportal/applications/new', { csrf: `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`, name: 'nope' });
    expect(wrong.status).toBe(403);
    const created = await browser.postForm('/devportal/applications/new', { csrf, name: 'csrf-hashed' });
    expect(created.status).toBe(303);
  });

  it('S07 a session stored before CSRF tokens were hashed keeps working until it expires', async () => {
    const user = await aUser(server.services, ['subscriber']);
    const token = mintCredential('session', cryptoRandom);
    const legacyCsrf = cryptoRandom.bytes(32).toString('base64url');
    const now = server.clock.now();
    await server.services.store.sessions.create({ idHash: server.services.hasher.hash(token), userId: user.id, csrfToken: legacyCsrf, createdAt: now, expiresAt: now + 3_600_000 });
    const browser = new CookieClient(server.control);
    browser.cookies.set('gatehouse-session', token);
    expect(hiddenField(await (await browser.request('/devportal/applications/new')).text(), 'csrf')).toBe(legacyCsrf);
    expect((await browser.postForm('/devportal/applications/new', { csrf: 'A'.repeat(43), name: 'nope' })).status).toBe(403);
    expect((await browser.postForm('/devportal/applications/new', { csrf: legacyCsrf, name: 'legacy-session' })).status).toBe(303);
  });

  it('C04 two concurrent secret regenerations leave exactly one working secret', async () => {
    const app = await anAppWithKeys(server.services);
    const [a, b] = await Promise.all([server.services.clients.regenerateSecret(app.client), server.services.clients.regenerateSecret(app.client)]);
    expect(await server.services.clients.listSecrets(app.client)).toHaveLength(1);
    const working = await Promise.all([a, b, app.secret].map((s) => server.services.clients.authenticate(app.client.consumerKey, s)));
    expect(working.filter(Boolean)).toHaveLength(1);
  });
});

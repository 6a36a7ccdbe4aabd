import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAppWithKeys, aUser, PASSWORD, type AppWithKeys } from '../support/fixtures.ts';
import { CookieClient, hiddenField } from '../support/browserless.ts';
import { basic, postFormFrom, type FormResponse } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Every password and client-secret check goes through one throttle, per (account, address) and per
 * address (P08, T19): P11 nobody can lock an account out from another address; D03 and R10 password
 * spraying through client registration and introspection meets the same per-address limit.
 */

let server: TestServer;
let app: AppWithKeys;

beforeAll(async () => {
  server = await startTestServer();
  app = await anAppWithKeys(server.services);
});
afterAll(async () => server?.close());

const passwordGrant = (from: string, username: string, password: string) =>
  postFormFrom(from, `${server.control}/oauth2/token`, { grant_type: 'password', username, password }, { authorization: basic(app.client.consumerKey, app.secret) });

async function portalSignIn(username: string, password: string): Promise<number> {
  const client = new CookieClient(server.control);
  const form = await (await client.request('/devportal/login')).text();
  return (await client.postForm('/devportal/login', { csrf: hiddenField(form, 'csrf'), username, password })).status;
}

function register(from: string, username: string, password: string): Promise<FormResponse> {
  return postFormFrom(from, `${server.control}/client-registration/v0.17/register`, {}, { authorization: basic(username, password), 'content-type': 'application/json' }, JSON.stringify({ clientName: 'sprayed', grantType: 'password' }));
}

describe('credential throttling', () => {
  it("P11 ten wrong passwords from one address throttle that address only: the owner signs in from another (token endpoint and portal)", async () => {
    const victim = await aUser(server.services, ['subscriber'], 'victim');
    for (let i = 0; i < 10; i++) expect((await passwordGrant('127.0.0.2', i % 2 ? 'victim' : 'VICTIM', `wrong-${i}`)).status).toBe(400);
    const throttled = await passwordGrant('127.0.0.2', victim.username, PASSWORD);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error).toBe('invalid_grant');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await passwordGrant('127.0.0.3', victim.username, PASSWORD)).status).toBe(200);
    expect(await portalSignIn(victim.username, PASSWORD)).toBe(303);
  });

  it('P11 one username failing from many addresses is logged for alerting, and its owner is still let in', async () => {
    const target = await aUser(server.services, ['subscriber'], 'popular');
    for (let address = 10; address < 15; address++) {
      for (let i = 0; i < 10; i++) expect((await passwordGrant(`127.0.0.${address}`, target.username, `guess-${i}`)).status).toBe(400);
    }
    const alerts = server.logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.event === 'credentials.account-under-attack');
    expect(alerts).toEqual([expect.objectContaining({ level: 40, kind: 'password', account: 'popular', failures: 50 })]);
    expect((await passwordGrant('127.0.0.16', target.username, PASSWORD)).status).toBe(200);
    expect(await portalSignIn(target.username, PASSWORD)).toBe(303);
  });

  it('D03 password spraying through client registration (Basic user credentials) → 429 after the per-address limit', async () => {
    await aUser(server.services, ['subscriber'], 'registrar');
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await register('127.0.0.20', `sprayed-${i}`, 'Summer2026!')).status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual(Array(10).fill(429));
    const refused = await register('127.0.0.20', 'registrar', PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await register('127.0.0.21', 'registrar', PASSWORD)).status).toBe(200);
  });

  it('R10 password spraying through introspection (Basic user credentials) → 429 after the per-address limit', async () => {
    const introspect = (from: string, username: string, password: string) =>
      postFormFrom(from, `${server.control}/oauth2/introspect`, { token: 'anything' }, { authorization: basic(username, password) });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await introspect('127.0.0.30', `sprayed-${i}`, 'Summer2026!')).status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual(Array(10).fill(429));
    const refused = await introspect('127.0.0.30', 'admin', 'admin-password-for-tests');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('invalid_client');
    expect((await introspect('127.0.0.31', 'admin', 'admin-password-for-tests')).status).toBe(200);
  });
});

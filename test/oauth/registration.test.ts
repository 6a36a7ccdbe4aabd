import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aUser, PASSWORD } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';

/** The WSO2 client-registration endpoint scripts use (SPEC §2), with D01 and D02. */

let server: TestServer;
const register = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.control}/client-registration/v0.17/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const wso2Body = { callbackUrl: 'https://localhost/cb', clientName: 'rest_api_client', owner: 'admin', grantType: 'client_credentials password refresh_token', saasApp: true };

describe('client registration v0.17', () => {
  it('registers a client with Basic user credentials, in WSO2 shape, and the client gets role-limited apim scopes', async () => {
    const res = await register(wso2Body, { authorization: basic('admin', ADMIN_PASSWORD) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ clientName: 'rest_api_client', appOwner: 'admin', isSaasApplication: 'true', callBackURL: 'https://localhost/cb' });
    expect(String(body.clientSecret)).toMatch(/^gcs_/);

    const subscriber = await aUser(server.services, ['subscriber']);
    const token = await postForm(
      `${server.control}/oauth2/token`,
      { grant_type: 'password', username: subscriber.username, password: PASSWORD, scope: 'apim:subscribe apim:app_manage apim:api_create apim:admin' },
      { authorization: basic(String(body.clientId), String(body.clientSecret)) },
    );
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('apim:subscribe apim:app_manage');
    const admin = await postForm(
      `${server.control}/oauth2/token`,
      { grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD, scope: 'apim:api_create apim:admin' },
      { authorization: basic(String(body.clientId), String(body.clientSecret)) },
    );
    expect(admin.body.scope).toBe('apim:api_create apim:admin');
  });

  it('D01 without credentials, or with wrong ones → 401 with a Basic challenge', async () => {
    for (const headers of [{}, { authorization: basic('admin', 'wrong') }, { authorization: 'Bearer whatever' }] as Array<Record<string, string>>) {
      const res = await register(wso2Body, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
  });

  it('D02 bad redirect URIs → invalid_redirect_uri; null or wrong-typed metadata → invalid_client_metadata / invalid_request', async () => {
    const auth = { authorization: basic('admin', ADMIN_PASSWORD) };
    for (const callbackUrl of ['http://evil.example/cb', 'https://a.example/cb#f', 'not a url']) {
      const res = await register({ ...wso2Body, callbackUrl }, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_redirect_uri');
    }
    const nullBody = await register(null, auth);
    expect(nullBody.status).toBe(400);
    expect(((await nullBody.json()) as { error: string }).error).toBe('invalid_request');
    for (const body of [{ ...wso2Body, clientName: 42 }, { ...wso2Body, grantType: ['password'] }, { ...wso2Body, grantType: 'implicit' }]) {
      const res = await register(body, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_client_metadata');
    }
  });

  it('D04 a wildcard callbackUrl → 400 invalid_redirect_uri saying so', async () => {
    const auth = { authorization: basic('admin', ADMIN_PASSWORD) };
    for (const callbackUrl of ['https://*.example.com/cb', 'https://app.example.com/*', 'https://app.example.com/cb?x=*']) {
      const res = await register({ ...wso2Body, callbackUrl }, auth);
      expect(res.status).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe('invalid_redirect_uri');
      expect(body.error_description).toMatch(/wildcard/);
    }
  });

  it('a user cannot register a client owned by someone else', async () => {
    const user = await aUser(server.services);
    const res = await register({ ...wso2Body, owner: 'admin' }, { authorization: basic(user.username, PASSWORD) });
    expect(res.status).toBe(403);
  });
});

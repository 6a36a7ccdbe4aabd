import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAppWithKeys, PASSWORD, type AppWithKeys } from '../support/fixtures.ts';
import { CookieClient, hiddenField } from '../support/browserless.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** openid-client 6 and oauth4webapi 3, unmodified, against a running Gatehouse. */

const CALLBACK = 'http://127.0.0.1:8765/callback';
let server: TestServer;
let app: AppWithKeys;
let config: client.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  app = await anAppWithKeys(server.services, {
    tokenType: 'OAUTH',
    settings: { grantTypes: ['client_credentials', 'authorization_code', 'refresh_token', 'password'], callbackUrl: CALLBACK },
  });
  config = await client.discovery(new URL(server.control), app.client.consumerKey, app.secret, client.ClientSecretBasic(app.secret), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(async () => server?.close());

describe('openid-client', () => {
  it('discovers the server and runs client_credentials, introspection and revocation', async () => {
    expect(config.serverMetadata().issuer).toBe(server.control);
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    const info = await client.tokenIntrospection(config, tokens.access_token);
    expect(info).toMatchObject({ active: true, client_id: app.client.consumerKey });
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('runs authorization_code with PKCE S256 through the login and consent pages, then refreshes', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const browser = new CookieClient(server.control);
    const loginPage = await (await browser.request(url.href)).text();
    const login = await browser.postForm('/oauth2/authorize/login', {
      csrf: hiddenField(loginPage, 'csrf'),
      request: hiddenField(loginPage, 'request'),
      username: app.user.username,
      password: PASSWORD,
    });
    const consent = await (await browser.request(login.headers.get('location')!)).text();
    const decision = await browser.postForm('/oauth2/authorize/decision', { csrf: hiddenField(consent, 'csrf'), request: hiddenField(consent, 'request'), decision: 'approve' });

    const tokens = await client.authorizationCodeGrant(config, new URL(decision.headers.get('location')!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.access_token).toMatch(/^gat_/);
    expect(tokens.refresh_token).toMatch(/^grt_/);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).username).toBe(app.user.username);
  });

  it('runs the password grant as a generic grant', async () => {
    const tokens = await client.genericGrantRequest(config, 'password', { username: app.user.username, password: PASSWORD });
    expect(tokens.access_token).toMatch(/^gat_[0-9A-Za-z]{49}$/);
  });
});

describe('oauth4webapi', () => {
  it('processes discovery, a client_credentials response and an introspection response', async () => {
    const issuer = new URL(server.control);
    const as = await oauth
      .discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true })
      .then((response) => oauth.processDiscoveryResponse(issuer, response));
    const c: oauth.Client = { client_id: app.client.consumerKey };
    const auth = oauth.ClientSecretPost(app.secret);
    const options = { [oauth.allowInsecureRequests]: true };
    const response = await oauth.clientCredentialsGrantRequest(as, c, auth, new URLSearchParams(), options);
    const result = await oauth.processClientCredentialsResponse(as, c, response);
    const introspection = await oauth.introspectionRequest(as, c, auth, result.access_token, options);
    expect(await oauth.processIntrospectionResponse(as, c, introspection)).toMatchObject({ active: true });
  });
});

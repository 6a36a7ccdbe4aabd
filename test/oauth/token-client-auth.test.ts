import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCredential, parseCredential } from '../../src/core/credentials.ts';
import { cryptoRandom } from '../../src/core/random.ts';
import { anAppWithKeys, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm, type FormResponse } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Security cases 1A (T01–T19): client authentication and request hygiene at the token endpoint. */

let server: TestServer;
let app: AppWithKeys;
let tokenUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  app = await anAppWithKeys(server.services);
  tokenUrl = `${server.control}/oauth2/token`;
});
afterAll(async () => server?.close());

function expectOAuthError(res: FormResponse, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toBe(error);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
}

const cc = { grant_type: 'client_credentials' };

describe('token endpoint: client authentication', () => {
  it('T01 no client credentials at all → 401 invalid_client, no challenge', async () => {
    const res = await postForm(tokenUrl, cc);
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('T02 unknown client_id in the body → 401 invalid_client, no challenge', async () => {
    const res = await postForm(tokenUrl, { ...cc, client_id: 'unknown-app', client_secret: app.secret });
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expectOAuthError(await postForm(tokenUrl, { ...cc, client_id: 'unknown-app' }), 401, 'invalid_client');
  });

  it('T03 wrong secret with Basic → 401 invalid_client with a Basic challenge naming the issuer', async () => {
    const res = await postForm(tokenUrl, cc, { authorization: basic(app.client.consumerKey, 'wrong') });
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers.get('www-authenticate')).toBe(`Basic realm="${server.control}"`);
    // A real consumer-secret format with a valid checksum, so the refusal comes from the hash comparison.
    const wellFormedButWrong = mintCredential('consumerSecret', cryptoRandom);
    expect(parseCredential(wellFormedButWrong, ['consumerSecret'])).toBe('consumerSecret');
    expect(wellFormedButWrong).not.toBe(app.secret);
    const refused = await postForm(tokenUrl, cc, { authorization: basic(app.client.consumerKey, wellFormedButWrong) });
    expectOAuthError(refused, 401, 'invalid_client');
    expect(refused.headers.get('www-authenticate')).toBe(`Basic realm="${server.control}"`);
  });

  it('T04 the right secret works with client_secret_basic and with client_secret_post', async () => {
    const viaBasic = await postForm(tokenUrl, cc, { authorization: basic(app.client.consumerKey, app.secret) });
    expect(viaBasic.status).toBe(200);
    const viaPost = await postForm(tokenUrl, { ...cc, client_id: app.client.consumerKey, client_secret: app.secret });
    expect(viaPost.status).toBe(200);
  });

  it('T05 two authentication mechanisms, or a mismatched client_id → 400 invalid_request', async () => {
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    const both = await postForm(tokenUrl, { ...cc, client_secret: app.secret }, auth);
    expectOAuthError(both, 400, 'invalid_request');
    expect(both.body.error_description).toMatch(/only be provided using one mechanism/);
    const mismatch = await postForm(tokenUrl, { ...cc, client_id: 'someone-else' }, auth);
    expectOAuthError(mismatch, 400, 'invalid_request');
    expect(mismatch.body.error_description).toMatch(/client_id mismatch/);
  });

  it('T06 malformed Basic headers → 400 invalid_request, never 500', async () => {
    const encodedBadPercent = Buffer.from('%zz:secret').toString('base64');
    for (const header of ['Basic', 'Basic ', `Basic ${Buffer.from('foo').toString('base64')}`, 'Basic Zm9vOmJhcg==!', `Basic ${encodedBadPercent}`]) {
      const res = await postForm(tokenUrl, cc, { authorization: header });
      expectOAuthError(res, 400, 'invalid_request');
    }
  });

  it('T07 Basic credentials are form-decoded after splitting on the first colon (Appendix B)', async () => {
    // Our ids and secrets never contain these characters, but the decoding must still be right:
    // an encoded id that decodes to the real one authenticates.
    const encodedId = app.client.consumerKey.split('').map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    const header = `Basic ${Buffer.from(`${encodedId}:${app.secret}`).toString('base64')}`;
    expect((await postForm(tokenUrl, cc, { authorization: header })).status).toBe(200);
    const spaced = `Basic ${Buffer.from(`${app.client.consumerKey}:+${app.secret}`).toString('base64')}`;
    expectOAuthError(await postForm(tokenUrl, cc, { authorization: spaced }), 401, 'invalid_client');
  });

  it('T08 a client secret in the query string → 400 invalid_request, and it never reaches the logs', async () => {
    const res = await fetch(`${tokenUrl}?client_secret=${app.secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...cc, client_id: app.client.consumerKey }).toString(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    expect(server.logs.join('\n')).not.toContain(app.secret);
  });

  it('T09 GET and PUT on the token endpoint → 405 with Allow: POST', async () => {
    for (const method of ['GET', 'PUT']) {
      const res = await fetch(tokenUrl, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });

  it('T10 missing grant_type → invalid_request naming it; unknown → unsupported_grant_type', async () => {
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    const missing = await postForm(tokenUrl, { scope: 'x' }, auth);
    expectOAuthError(missing, 400, 'invalid_request');
    expect(missing.body.error_description).toMatch(/grant_type/);
    expectOAuthError(await postForm(tokenUrl, { grant_type: 'foobar' }, auth), 400, 'unsupported_grant_type');
  });

  it('T11 a grant the server supports but the key does not enable → 400 unauthorized_client', async () => {
    const ccOnly = await anAppWithKeys(server.services, { settings: { grantTypes: ['client_credentials'] } });
    const res = await postForm(tokenUrl, { grant_type: 'password', username: 'u', password: 'p' }, { authorization: basic(ccOnly.client.consumerKey, ccOnly.secret) });
    expectOAuthError(res, 400, 'unauthorized_client');
  });

  it('T12 (SPEC wins) the password grant works only where the key enables it', async () => {
    const res = await postForm(
      tokenUrl,
      { grant_type: 'password', username: app.user.username, password: 'correct horse battery' },
      { authorization: basic(app.client.consumerKey, app.secret) },
    );
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toMatch(/^grt_/);
  });

  it('T14 scope values outside the RFC 6749 grammar → 400 invalid_scope', async () => {
    for (const scope of ['a\nb', 'a"b', 'a\\b', 'caf\u00e9']) {
      const res = await postForm(tokenUrl, { ...cc, scope }, { authorization: basic(app.client.consumerKey, app.secret) });
      expectOAuthError(res, 400, 'invalid_scope');
    }
  });

  it('T15 a repeated parameter → invalid_request; an empty scope counts as omitted', async () => {
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    const twice = await postForm(tokenUrl, 'grant_type=client_credentials&grant_type=client_credentials', auth);
    expectOAuthError(twice, 400, 'invalid_request');
    expect(twice.body.error_description).toMatch(/must not be provided twice/);
    expectOAuthError(await postForm(tokenUrl, 'grant_type=client_credentials&scope=a&scope=b', auth), 400, 'invalid_request');
    const empty = await postForm(tokenUrl, 'grant_type=client_credentials&scope=', auth);
    expect(empty.status).toBe(200);
    expect(empty.body.scope).toBe('default');
  });

  it('T16 JSON or untyped bodies → invalid_request; qs tricks never become objects', async () => {
    const json = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(app.client.consumerKey, app.secret) },
      body: JSON.stringify(cc),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const untyped = await fetch(tokenUrl, { method: 'POST', headers: { authorization: basic(app.client.consumerKey, app.secret) }, body: 'grant_type=client_credentials' });
    expect(untyped.status).toBe(400);
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    const bracket = await postForm(tokenUrl, 'grant_type=client_credentials&scope[foo]=bar', auth);
    expect(bracket.status).toBe(200);
    expectOAuthError(await postForm(tokenUrl, 'grant_type=client_credentials&scope[]=a&scope[]=b', auth), 400, 'invalid_request');
  });

  it('T17 an oversized body is refused without being buffered; a short body for its Content-Length → 400', async () => {
    const big = await postForm(tokenUrl, `grant_type=client_credentials&pad=${'a'.repeat(10 * 1024 * 1024)}`, {
      authorization: basic(app.client.consumerKey, app.secret),
    });
    expect([400, 413]).toContain(big.status);
    expect(big.body.error).toBe('invalid_request');

    // Declares 100 bytes, sends 29, then half-closes: the server answers 400 instead of waiting or failing.
    const { connect } = await import('node:net');
    const url = new URL(tokenUrl);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.end(
          'POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=client_credentials',
        );
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
    });
    expect(answer.startsWith('HTTP/1.1 400')).toBe(true);
  });

  it('T18 success and error responses both carry JSON, no-store and no-cache; success has token_type and expires_in', async () => {
    const ok = await postForm(tokenUrl, cc, { authorization: basic(app.client.consumerKey, app.secret) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.get('pragma')).toBe('no-cache');
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'default' });
    expect(ok.body.refresh_token).toBeUndefined();
    expectOAuthError(await postForm(tokenUrl, cc), 401, 'invalid_client');
  });

  it('T19 repeated failed secrets for one client from one address are throttled; other clients are not', async () => {
    const victim = await anAppWithKeys(server.services);
    const other = await anAppWithKeys(server.services);
    let last: FormResponse | undefined;
    for (let i = 0; i < 55; i++) last = await postForm(tokenUrl, cc, { authorization: basic(victim.client.consumerKey, 'wrong') });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right secret waits out the window: the attacker cannot learn it by timing the switch.
    expect((await postForm(tokenUrl, cc, { authorization: basic(victim.client.consumerKey, victim.secret) })).status).toBe(429);
    expect((await postForm(tokenUrl, cc, { authorization: basic(other.client.consumerKey, other.secret) })).status).toBe(200);
    server.clock.advance(61_000);
    expect((await postForm(tokenUrl, cc, { authorization: basic(victim.client.consumerKey, victim.secret) })).status).toBe(200);
  });
});

import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { scenario, type Scenario } from '../support/gateway.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Routing and proxying: the seed's flow to a 200 from a real backend, sandbox/production, headers, bodies. */

let server: TestServer;
let prod: TestBackend;
let sandbox: TestBackend;
let jwt: Scenario;

beforeAll(async () => {
  server = await startTestServer();
  prod = await startBackend('production');
  sandbox = await startBackend('sandbox');
  jwt = await scenario(server, { productionUrl: `${prod.url}/v1`, sandboxUrl: sandbox.url });
});
afterAll(async () => {
  await server?.close();
  await prod?.close();
  await sandbox?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('end to end through the gateway', () => {
  it('a JWT application gets a 200 from the production backend; the path and query are forwarded', async () => {
    const res = await jwt.call('/items/42?color=red&n=1', { headers: bearer(await jwt.token()) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-backend')).toBe('production');
    expect(await res.json()).toMatchObject({ backend: 'production', method: 'GET', url: '/v1/items/42?color=red&n=1' });
    const odd = await jwt.call('/items/42?a=1?b=2', { headers: bearer(await jwt.token()) });
    expect(((await odd.json()) as { url: string }).url).toBe('/v1/items/42?a=1?b=2');
  });

  it('an OAUTH (opaque token) application gets a 200', async () => {
    const opaque = await scenario(server, { productionUrl: prod.url, tokenType: 'OAUTH' });
    const token = await opaque.token();
    expect(token).toMatch(/^gat_/);
    const res = await opaque.call('/items/1', { headers: bearer(token) });
    expect(res.status).toBe(200);
  });

  it('an API key gets a 200, and its last use is recorded off the request path', async () => {
    const { value, key } = await server.services.apiKeys.generate(jwt.app.user.id, jwt.app.application.id, 'PRODUCTION', { keyName: 'ci' });
    const res = await jwt.call('/items/1', { headers: { apikey: value } });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect((await server.services.store.apiKeys.findById(key.id))?.lastUsedAt).toBeNull();
  });

  it('sandbox keys go to the sandbox endpoint; an API without one refuses them with 403', async () => {
    const sbx = await scenario(server, { productionUrl: prod.url, sandboxUrl: sandbox.url, keyType: 'SANDBOX' });
    const res = await sbx.call('/items/1', { headers: bearer(await sbx.token()) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-backend')).toBe('sandbox');

    const noSandbox = await scenario(server, { productionUrl: prod.url, keyType: 'SANDBOX' });
    const refused = await noSandbox.call('/items/1', { headers: bearer(await noSandbox.token()) });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: '900901', message: 'Sandbox key offered to the API with no sandbox endpoint' });

    const sandboxOnly = await scenario(server, { productionUrl: '', sandboxUrl: sandbox.url });
    const refusedProd = await sandboxOnly.call('/items/1', { headers: bearer(await sandboxOnly.token()) });
    expect(refusedProd.status).toBe(403);
    expect((await refusedProd.json()) as object).toMatchObject({ message: 'Production key offered to the API with no production endpoint' });
  });

  it('streams request bodies to the backend and responses back', async () => {
    const body = JSON.stringify({ big: 'x'.repeat(200_000) });
    const res = await jwt.call('/items', { method: 'POST', headers: { ...bearer(await jwt.token()), 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { body: string }).body).toBe(body);
  });

  it('strips Authorization and apikey, sets X-Forwarded-*, and drops a client-supplied X-JWT-Assertion', async () => {
    prod.seen.length = 0;
    const headers = { 'x-jwt-assertion': 'forged', 'x-forwarded-for': '6.6.6.6', apikey: 'gak_prod_x', connection: 'keep-alive, x-secret-hop', 'x-secret-hop': 'y' };
    expect(await rawStatus(`${jwt.api.context}/${jwt.api.version}/items/7`, await jwt.token(), headers)).toBe(200);
    const seen = prod.seen.at(-1)!;
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.apikey).toBeUndefined();
    expect(seen.headers['x-jwt-assertion']).toBeUndefined();
    expect(seen.headers['x-secret-hop']).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(new URL(server.gateway).host);
  });

  it('matches URL templates: path parameters, wildcards, most specific first; HEAD follows GET', async () => {
    const token = await jwt.token();
    expect((await jwt.call('/files/a/b/c.txt', { headers: bearer(token) })).status).toBe(200);
    expect((await jwt.call('/items/1/extra', { headers: bearer(token) })).status).toBe(403);
    expect((await jwt.call('/items/1', { method: 'HEAD', headers: bearer(token) })).status).toBe(200);
  });

  it('resources with auth type None need no credential', async () => {
    const res = await jwt.call('/public');
    expect(res.status).toBe(200);
  });
});

describe('requests that match nothing', () => {
  it('an unknown API → 404; an unknown resource or verb → 403 900906', async () => {
    const token = await jwt.token();
    const unknown = await fetch(`${server.gateway}/nope/1.0/items`, { headers: bearer(token) });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('900906');
    const resource = await jwt.call('/orders', { headers: bearer(token) });
    expect(resource.status).toBe(403);
    expect(await resource.json()).toMatchObject({ code: '900906', message: 'No matching resource found in the API for the given request' });
    expect((await jwt.call('/items/1', { method: 'DELETE', headers: bearer(token) })).status).toBe(403);
  });

  it('path traversal, encoded slashes and non-UTF-8 paths match nothing and never reach the backend', async () => {
    const token = await jwt.token();
    prod.seen.length = 0;
    for (const path of ['/items/../admin', '/items/%2e%2e/admin', '/files/..%2fsecret', '/items/%ff', '/items/%E0%A4%A']) {
      const status = await rawStatus(`${new URL(server.gateway).pathname}${jwt.api.context.slice(1)}/${jwt.api.version}${path}`, token);
      // 400 for percent-encoding that does not decode; 403/404 for paths that match no resource.
      expect([400, 403, 404]).toContain(status);
    }
    expect(prod.seen).toHaveLength(0);
  });

  it('encoded, empty-segment and ;-parameter paths cannot reach a scoped resource through a looser one', async () => {
    const token = await jwt.token();
    const base = `${jwt.api.context}/${jwt.api.version}`;
    prod.seen.length = 0;
    // `/%69tems` is `/items`, which needs a scope this token lacks: matched as /items, refused.
    expect(await rawStatus(`${base}/%69tems`, token)).toBe(403);
    // A backend would read these as /items too; the gateway matches nothing.
    for (const path of ['/items;x=1', '//items', '/files/../items', '/files/x/..;/items']) {
      expect([400, 403, 404]).toContain(await rawStatus(`${base}${path}`, token));
    }
    expect(prod.seen).toHaveLength(0);
    // Encoded unreserved characters are forwarded decoded: what was authorised is what is called.
    expect(await rawStatus(`${base}/items/%34%32`, token)).toBe(200);
    expect(prod.seen.at(-1)!.url).toBe('/v1/items/42');
  });

  it('huge headers → 431 without reaching the backend', async () => {
    const status = await rawStatus(`${jwt.api.context}/${jwt.api.version}/items`, await jwt.token(), { 'x-big': 'a'.repeat(64 * 1024) });
    expect(status).toBe(431);
  });
});

describe('backend failures', () => {
  it('an unreachable backend → 502; a slow one → 504, bodies saying nothing internal', async () => {
    const down = await scenario(server, { productionUrl: 'http://127.0.0.1:1' });
    const res = await down.call('/items/1', { headers: bearer(await down.token()) });
    expect(res.status).toBe(502);
    expect(await res.text()).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);

    const impatient = await startTestServer({ GATEHOUSE_BACKEND_TIMEOUT_MS: '300' });
    const slow = await startBackend('slow');
    slow.delayMs = 2000;
    try {
      const s = await scenario(impatient, { productionUrl: slow.url });
      const timedOut = await s.call('/items/1', { headers: bearer(await s.token()) });
      expect(timedOut.status).toBe(504);
      expect(((await timedOut.json()) as { code: string }).code).toBe('101504');
    } finally {
      await impatient.close();
      await slow.close();
    }
  });
});

/** Sends a request with an exact raw path (fetch would normalise `..`). */
function rawStatus(path: string, token: string, headers: Record<string, string> = {}): Promise<number> {
  const url = new URL(server.gateway);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: path.startsWith('/') ? path : `/${path}`, headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

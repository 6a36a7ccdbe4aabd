import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { scenario } from '../support/gateway.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * With GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY both planes serve HTTPS: the control plane's token
 * endpoint, and the gateway's own routes and its data plane alike, which tells the backend the client
 * came over https.
 */

let server: TestServer;
let backend: TestBackend;
let previous: Dispatcher;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  // fetch trusts this test's certificate (and only it) while the file runs.
  previous = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: readFileSync(cert) } }));
  server = await startTestServer({ GATEHOUSE_TLS_CERT: cert, GATEHOUSE_TLS_KEY: key });
  backend = await startBackend('plain-http-backend');
});
afterAll(async () => {
  await server?.close();
  await backend?.close();
  if (previous) setGlobalDispatcher(previous);
});

describe('TLS on both planes', () => {
  it('issues a token over https and proxies it through the https gateway to a plain-http backend', async () => {
    expect(server.control).toMatch(/^https:\/\//);
    expect(server.gateway).toMatch(/^https:\/\//);
    const api = await scenario(server, { productionUrl: backend.url });
    const res = await api.call('/items/1', { headers: { authorization: `Bearer ${await api.token()}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(backend.seen.at(-1)!.headers['x-forwarded-proto']).toBe('https');
    const refused = await api.call('/items/1');
    expect(refused.status).toBe(401);
    expect((await fetch(`${server.gateway}/health/live`)).status).toBe(200);
  });
});

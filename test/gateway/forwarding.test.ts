import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario, type Scenario } from '../support/gateway.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * How the gateway forwards once a request is allowed: bodies stream both ways with backpressure and are
 * never buffered whole, headers keep their repeats, hop-by-hop headers stay on their hop, and a client
 * that leaves takes the backend request with it.
 */

const CHUNK = Buffer.alloc(64 * 1024, 'gatehouse-');
const BIG_CHUNKS = 1024; // 64 MiB: far more than the sockets between client, gateway and backend can hold.

interface BackendEvents {
  bigFinished: boolean;
  hangClosed: boolean;
  seenHeaders: IncomingHttpHeaders[];
}

let server: TestServer;
let backend: Server;
let backendUrl: string;
let api: Scenario;
let token: string;
const events: BackendEvents = { bigFinished: false, hangClosed: false, seenHeaders: [] };

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  backend = createServer(async (req, res) => {
    const path = req.url!.split('?')[0];
    events.seenHeaders.push(req.headers);
    if (path === '/base/big') {
      events.bigFinished = false;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': CHUNK.length * BIG_CHUNKS });
      let sent = 0;
      const more = () => {
        while (sent < BIG_CHUNKS) {
          sent++;
          if (!res.write(CHUNK)) return void res.once('drain', more);
        }
        res.end(() => (events.bigFinished = true));
      };
      more();
    } else if (path === '/base/echo') {
      const body = await readAll(req);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), chunked: req.headers['transfer-encoding'] ?? null }));
    } else if (path === '/base/headers') {
      res.writeHead(201, [
        'Set-Cookie', 'a=1; Path=/',
        'Set-Cookie', 'b=2; Path=/',
        'X-Multi', 'one',
        'X-Multi', 'two',
        'X-Request-Id', 'chosen-by-the-backend',
        'Keep-Alive', 'timeout=99',
        'Content-Type', 'text/plain',
      ]);
      res.end('made');
    } else if (path === '/base/hang') {
      events.hangClosed = false;
      res.on('close', () => (events.hangClosed = true));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk');
    } else if (path === '/base/hints') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('after the hints');
    } else if (path === '/base/empty') {
      res.writeHead(204);
      res.end();
    } else if (path === '/base') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"backend":"not here"}');
    } else {
      res.writeHead(500);
      res.end();
    }
  });
  backend.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  server = await startTestServer();
  api = await scenario(server, {
    productionUrl: `${backendUrl}/base`,
    operations: ['/big', '/headers', '/hang', '/empty', '/hints', '/'].map((target) => ({ target, verb: 'GET' })).concat([{ target: '/echo', verb: 'POST' }]),
  });
  token = await api.token();
});
afterAll(async () => {
  await server?.close();
  backend?.closeAllConnections();
  await new Promise((resolve) => backend?.close(resolve));
});

/** A raw request through the gateway, answering once the response's headers are in (the body is left to the caller). */
function send(path: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: (req: ReturnType<typeof httpRequest>) => void } = {}): Promise<IncomingMessage> {
  const url = new URL(server.gateway);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: `${api.api.context}/${api.api.version}${path}`, headers: { authorization: `Bearer ${token}`, ...options.headers } },
      resolve,
    );
    req.on('error', reject);
    if (options.body) options.body(req);
    else req.end();
  });
}

const waitFor = async (condition: () => boolean, ms: number): Promise<boolean> => {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
};

describe('forwarding', () => {
  it('a large response reaches a slow client whole, and the backend waits for it instead of the gateway buffering it', async () => {
    const res = await send('/big');
    expect(res.statusCode).toBe(200);
    res.pause();
    // The client reads nothing for a while: the backend must still be blocked on its writes.
    await new Promise((r) => setTimeout(r, 1500));
    expect(events.bigFinished).toBe(false);
    const hash = createHash('sha256');
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    res.resume();
    await new Promise((r) => res.on('end', r));
    expect(bytes).toBe(CHUNK.length * BIG_CHUNKS);
    const expected = createHash('sha256');
    for (let i = 0; i < BIG_CHUNKS; i++) expected.update(CHUNK);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
    expect(await waitFor(() => events.bigFinished, 5000)).toBe(true);
  });

  it('a chunked request body of unknown length arrives whole; Expect: 100-continue is answered here', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => Buffer.alloc(100_000, i));
    const expected = createHash('sha256');
    for (const part of parts) expected.update(part);
    const res = await send('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', expect: '100-continue' },
      body: (req) => {
        req.on('continue', () => {
          for (const part of parts) req.write(part);
          req.end();
        });
      },
    });
    expect(res.statusCode).toBe(200);
    const answer = JSON.parse((await readAll(res)).toString('utf8')) as { bytes: number; sha256: string; chunked: string | null };
    expect(answer).toEqual({ bytes: 4_000_000, sha256: expected.digest('hex'), chunked: 'chunked' });
    expect(events.seenHeaders.at(-1)!.expect).toBeUndefined();
  });

  it('repeated headers keep every value both ways; the backend cannot replace the request id or hop-by-hop headers', async () => {
    const res = await send('/headers', { headers: { 'x-dup': ['a', 'b'], cookie: ['x=1', 'gatehouse-session=secret'] } });
    expect(res.statusCode).toBe(201);
    expect(await readAll(res).then(String)).toBe('made');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(res.headers['x-multi']).toBe('one, two');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['keep-alive']).not.toBe('timeout=99');
    const seen = events.seenHeaders.at(-1)!;
    expect(seen['x-dup']).toBe('a, b');
    expect(seen.cookie).toBe('x=1');
    expect(seen.host).toBe(new URL(backendUrl).host);
  });

  it('statuses and bodies pass through as the backend sent them: 204 without a body, the endpoint root with its 404', async () => {
    const empty = await send('/empty');
    expect(empty.statusCode).toBe(204);
    expect((await readAll(empty)).length).toBe(0);
    const root = await send('/');
    expect(root.statusCode).toBe(404);
    expect(await readAll(root).then(String)).toBe('{"backend":"not here"}');
    // An informational answer before the real one (103 Early Hints) does not take its place.
    const hinted = await send('/hints');
    expect(hinted.statusCode).toBe(200);
    expect(await readAll(hinted).then(String)).toBe('after the hints');
    // HEAD gets the GET resource's status and headers, no body.
    const head = await send('/headers', { method: 'HEAD' });
    expect(head.statusCode).toBe(201);
    expect((await readAll(head)).length).toBe(0);
  });

  it('a client that leaves mid-response aborts the backend request', async () => {
    const res = await send('/hang');
    expect(res.statusCode).toBe(200);
    await new Promise((r) => res.once('data', r));
    expect(events.hangClosed).toBe(false);
    res.destroy();
    expect(await waitFor(() => events.hangClosed, 10_000)).toBe(true);
  });

  it("the gateway's own routes answer only their own methods; everything else is the data plane's", async () => {
    const live = await fetch(`${server.gateway}/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${server.gateway}/health/live`, { method: 'HEAD' })).status).toBe(200);
    for (const [method, path] of [['POST', '/health/live'], ['GET', '/health/livex'], ['GET', '/nope/1.0/x']]) {
      const res = await fetch(`${server.gateway}${path}`, { method });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('900906');
    }
  });

  it('a GET with a body is forwarded with it, as nginx and Kong forward it', async () => {
    const res = await send('/headers', { headers: { 'content-type': 'text/plain', 'content-length': '5' }, body: (req) => req.end('hello') });
    expect(res.statusCode).toBe(201);
    await readAll(res);
    expect(events.seenHeaders.at(-1)!['content-length']).toBe('5');
  });
});

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { refererMatcher } from '../../src/core/ip-match.ts';
import { ClientAddress } from '../../src/gateway/client-ip.ts';
import { scenario, type Scenario, serverAndBackend } from '../support/gateway.ts';
import { decodeJwt } from '../support/http.ts';

/**
 * Gateway edge cases found in review (issue 12): G23 Referer restrictions, G24 JWT iat/nbf leeway, G25
 * client-address headers, G26 X-Forwarded-For only from trusted proxies.
 */

/** 127.0.0.2 is the one trusted proxy; the tests' own requests come from 127.0.0.1, an untrusted peer. */
const PROXY = '127.0.0.2';
const ctx = serverAndBackend({ GATEHOUSE_TRUSTED_PROXIES: PROXY });
let s: Scenario;

beforeAll(async () => {
  s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
});

describe('G23 API-key Referer restrictions match scheme, host and path separately', () => {
  const matches = (pattern: string, referer: string) => refererMatcher([pattern])(referer);

  it('G23 a wildcard host pattern cannot be satisfied from the path, query, fragment or user information', () => {
    const pattern = 'https://*.example.com/*';
    for (const ok of ['https://shop.example.com/cart', 'https://a.b.example.com/', 'https://SHOP.Example.com/x?y=1', 'https://shop.example.com:443/x']) {
      expect(matches(pattern, ok), ok).toBe(true);
    }
    for (const bypass of [
      'https://evil.com/https://a.example.com/',
      'https://evil.com/?https://a.example.com/x',
      'https://evil.com#https://a.example.com/x',
      'https://a.example.com@evil.com/',
      'https://user:pw@a.example.com/',
      'https://a.example.com.evil.com/',
      'https://evil.com/.example.com/',
      'https://example.com/',
      'https://shopexample.com/',
      'http://shop.example.com/',
      'https://shop.example.com:8443/',
      'shop.example.com/',
      'not a url',
    ]) {
      expect(matches(pattern, bypass), bypass).toBe(false);
    }
  });

  it('G23 internationalised names compare as punycode; a look-alike host does not match', () => {
    const pattern = 'https://*.bücher.example/*';
    expect(matches(pattern, 'https://shop.xn--bcher-kva.example/')).toBe(true);
    expect(matches(pattern, 'https://shop.bücher.example/')).toBe(true);
    expect(matches(pattern, 'https://shop.bucher.example/')).toBe(false);
    // Cyrillic "а" in exаmple: another host altogether.
    expect(matches('https://*.example.com/*', 'https://shop.ex\u0430mple.com/')).toBe(false);
  });

  it('G23 patterns without a scheme (as WSO2 allows) admit http and https on that host only', () => {
    expect(matches('*.example.com/*', 'http://a.example.com/x')).toBe(true);
    expect(matches('*.example.com/*', 'https://a.example.com/x')).toBe(true);
    expect(matches('*.example.com/*', 'https://evil.com/a.example.com/x')).toBe(false);
    expect(matches('*.example.com/*', 'ftp://a.example.com/x')).toBe(false);
    // No path in the pattern: any path on exactly that host.
    expect(matches('example.com', 'https://example.com/')).toBe(true);
    expect(matches('example.com', 'http://example.com/a/b?c=d')).toBe(true);
    expect(matches('example.com', 'https://sub.example.com/')).toBe(false);
    expect(matches('example.com', 'https://example.com.evil.com/')).toBe(false);
    expect(matches('example.com', 'https://evil.com/example.com')).toBe(false);
  });

  it('G23 ports and paths are matched exactly unless wildcarded', () => {
    expect(matches('localhost:3000/*', 'http://localhost:3000/app')).toBe(true);
    expect(matches('localhost:3000/*', 'http://localhost:3001/app')).toBe(false);
    expect(matches('localhost:3000/*', 'http://localhost/app')).toBe(false);
    expect(matches('localhost:*', 'http://localhost:3001/app')).toBe(true);
    expect(matches('https://example.com/app/*', 'https://example.com/app/x/y')).toBe(true);
    expect(matches('https://example.com/app/*', 'https://example.com/application')).toBe(false);
    expect(matches('https://example.com/app/*', 'https://example.com/other?/app/')).toBe(false);
    expect(matches('https://example.com/', 'https://example.com/deeper')).toBe(false);
  });

  it('G23 unreadable patterns are refused as a validation error of permittedReferer when the key is generated', async () => {
    for (const permittedReferer of ['shop*.example.com', 'ftp://example.com/*', 'https://a@example.com/', 'example.com?x', 'https://']) {
      expect(() => refererMatcher([permittedReferer]), permittedReferer).toThrow(/invalid Referer pattern/);
      await expect(
        ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { permittedReferer }),
        permittedReferer,
      ).rejects.toMatchObject({ code: 'VALIDATION', field: 'permittedReferer' });
    }
  });

  it('G23 through the gateway: the bypass shapes get 403, a real subdomain 200', async () => {
    const { value } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { permittedReferer: 'https://*.example.com/*' });
    const call = (referer: string) => s.call('/items/1', { headers: { apikey: value, referer } });
    expect((await call('https://shop.example.com/cart')).status).toBe(200);
    for (const referer of ['https://evil.com/https://a.example.com/', 'https://evil.com/?https://a.example.com/x', 'https://evil.com#https://a.example.com/x', 'https://a.example.com@evil.com/']) {
      const res = await call(referer);
      expect(res.status, referer).toBe(403);
      expect(await res.json()).toMatchObject({ code: '900908', message: 'Access forbidden for the invocations' });
    }
  });
});

describe('G24 JWT nbf and iat get the documented 30 s leeway, no more and no less', () => {
  let template: Record<string, unknown>;
  beforeAll(async () => {
    template = decodeJwt(await s.token()).payload;
  });

  /** A token of this application, signed by the Key Manager's key, with `claims` changed. */
  async function tokenWith(claims: Record<string, number>): Promise<string> {
    const ring = ctx.server.services.keyRing.signingKey();
    return new SignJWT({ ...template, ...claims }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: ring.kid }).sign(ring.privateKey);
  }
  const nowSeconds = () => Math.floor(ctx.server.clock.now() / 1000);
  const call = async (token: string) => (await s.call('/items/1', { headers: { authorization: `Bearer ${token}` } })).status;

  it('G24 iat 120 s in the future → 401 invalid_token; iat 10 s in the future is skew → 200', async () => {
    const now = nowSeconds();
    const future = await s.call('/items/1', { headers: { authorization: `Bearer ${await tokenWith({ iat: now + 120, nbf: now - 1, exp: now + 600 })}` } });
    expect(future.status).toBe(401);
    expect(future.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
    expect(await future.json()).toMatchObject({ code: '900901' });
    expect(await call(await tokenWith({ iat: now + 10, nbf: now - 1, exp: now + 600 }))).toBe(200);
  });

  it('G24 nbf 10 s in the future is accepted (leeway), 60 s in the future is refused', async () => {
    const now = nowSeconds();
    expect(await call(await tokenWith({ iat: now, nbf: now + 10, exp: now + 600 }))).toBe(200);
    expect(await call(await tokenWith({ iat: now, nbf: now + 60, exp: now + 600 }))).toBe(401);
  });
});

/** A GET through the gateway from a chosen loopback source address (fetch cannot choose one). */
function getFrom(localAddress: string, path: string, headers: Record<string, string>): Promise<{ status: number }> {
  const url = new URL(`${ctx.server.gateway}${s.api.context}/${s.api.version}${path}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers, localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The headers the backend received for the last request to `path`. */
function lastSeen(path: string): IncomingHttpHeaders {
  const seen = ctx.backend.seen.filter((r) => r.url.endsWith(path)).at(-1);
  if (!seen) throw new Error(`the backend saw no request to ${path}`);
  return seen.headers;
}

describe('G25 client-address headers reaching the backend are the gateway\'s, not the client\'s', () => {
  it('G25 a client-sent X-Real-IP is replaced by the address the gateway determined (the peer)', async () => {
    const res = await s.call('/public', { headers: { 'x-real-ip': '6.6.6.6', 'x-forwarded-for': '6.6.6.6', forwarded: 'for=6.6.6.6' } });
    expect(res.status).toBe(200);
    const headers = lastSeen('/public');
    expect(headers['x-real-ip']).toBe('127.0.0.1');
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers.forwarded).toBeUndefined();
  });

  it('G25 behind a trusted proxy, X-Real-IP is the client named by its X-Forwarded-For', async () => {
    expect((await getFrom(PROXY, '/public', { 'x-real-ip': '6.6.6.6', 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
    expect(lastSeen('/public')['x-real-ip']).toBe('203.0.113.7');
    // The chain the trusted proxy vouched for, then the proxy itself: each hop appends its peer.
    expect(lastSeen('/public')['x-forwarded-for']).toBe(`203.0.113.7, ${PROXY}`);
  });
});

describe('G27 the query string is forwarded as sent; only the path is normalised', () => {
  it('G27 dot segments, encoded slashes and stray percent signs in the query reach the backend unchanged (no 500)', async () => {
    const token = await s.token();
    for (const query of ['a=/../b', 'a=b/..', 'x=%2F..%2F', 'a=..&b=../c', 'q=%E0%A4%A', 'redirect=https://x/../y']) {
      const res = await s.call(`/items/1?${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, query).toBe(200);
      expect(((await res.json()) as { url: string }).url).toBe(`/items/1?${query}`);
    }
    expect(ctx.server.logs.some((line) => line.includes('gateway request failed'))).toBe(false);
  });

});

describe('G26 X-Forwarded-For decides the client address only when the peer is a trusted proxy', () => {
  it('G26 an untrusted peer naming an allowed address in X-Forwarded-For is judged by its own address → 403', async () => {
    const { value } = await ctx.server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', { permittedIP: '10.1.0.0/16' });
    const spoofed = await s.call('/items/1', { headers: { apikey: value, 'x-forwarded-for': '10.1.2.3' } });
    expect(spoofed.status).toBe(403);
    expect(await spoofed.json()).toMatchObject({ code: '900908', message: 'Access forbidden for the invocations' });
    // The same header from the trusted proxy is believed; a forged left-most hop behind it is not.
    expect((await getFrom(PROXY, '/items/1', { apikey: value, 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
    expect((await getFrom(PROXY, '/items/1', { apikey: value, 'x-forwarded-for': '10.1.2.3, 6.6.6.6' })).status).toBe(403);
    expect((await getFrom(PROXY, '/items/1', { apikey: value, 'x-forwarded-for': `10.1.2.3, ${PROXY}` })).status).toBe(200);
  });

  it('G26 ClientAddress: the peer unless it is trusted, then the nearest untrusted hop', () => {
    const address = new ClientAddress(['192.0.2.0/24']);
    expect(address.of('198.51.100.9', '10.1.2.3')).toBe('198.51.100.9');
    expect(address.of('192.0.2.1', '10.1.2.3')).toBe('10.1.2.3');
    expect(address.of('192.0.2.1', '6.6.6.6, 10.1.2.3, 192.0.2.2')).toBe('10.1.2.3');
    expect(address.of('192.0.2.1', ['6.6.6.6', '10.1.2.3'])).toBe('10.1.2.3');
    expect(address.of('192.0.2.1', undefined)).toBe('192.0.2.1');
    expect(new ClientAddress([]).of('198.51.100.9', '10.1.2.3')).toBe('198.51.100.9');
  });
});

import { createServer } from 'node:net';
import { generateKeyPair, SignJWT, exportSPKI, exportJWK, CompactEncrypt, type CryptoKey } from 'jose';
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { scenario, type Scenario, serverAndBackend } from '../support/gateway.ts';
import { decodeJwt } from '../support/http.ts';
import { sample } from '../support/metrics.ts';

/** Security cases 1D, G01–G12 and G21: how the gateway reads and verifies Bearer credentials. */

const ctx = serverAndBackend();
let s: Scenario;
let valid: string;

beforeAll(async () => {
  s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
  valid = await s.token();
});

const call = (headers: Record<string, string>, path = '/items/1') => s.call(path, { headers });

async function expectInvalidToken(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
  expect(((await res.json()) as { code: string }).code).toBe('900901');
}

/** Signs claims like a real token of this app, with any header/claims changes, using a given key. */
async function forge(options: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: CryptoKey; alg?: string } = {}) {
  const { payload } = decodeJwt(valid);
  const ring = ctx.server.services.keyRing.signingKey();
  return new SignJWT({ ...payload, ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', typ: 'at+jwt', kid: ring.kid, ...options.header })
    .sign(options.key ?? ring.privateKey);
}

describe('credential presence and format', () => {
  it('G01 no Authorization → 401 with a Bearer challenge and no error', async () => {
    const res = await call({});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
    expect(await res.json()).toMatchObject({ code: '900902', message: 'Missing Credentials' });
  });

  it('G02 "Bearer" with no token, "Bearer a b", or a token in header and query → 400 invalid_request', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b']) {
      const res = await call({ authorization: header });
      expect(res.status).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
    }
    const both = await s.call(`/items/1?access_token=${valid}`, { headers: { authorization: `Bearer ${valid}` } });
    expect(both.status).toBe(400);
  });

  it('G03 the scheme is case-insensitive; another scheme counts as no credential', async () => {
    expect((await call({ authorization: `bearer ${valid}` })).status).toBe(200);
    expect((await call({ authorization: `BEARER ${valid}` })).status).toBe(200);
    const basic = await call({ authorization: 'Basic eHl6' });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
  });

  it('G04 a token only in ?access_token= is not accepted', async () => {
    const res = await s.call(`/items/1?access_token=${valid}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
  });
});

describe('JWT verification', () => {
  it('accepts the real token', async () => {
    expect((await call({ authorization: `Bearer ${valid}` })).status).toBe(200);
  });

  it('G05 exp one second ago, exp beyond the leeway, and nbf in the future → invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ exp: now - 1 }, { exp: now - 31 }, { nbf: now + 3600, iat: now + 3600 }]) {
      await expectInvalidToken(await call({ authorization: `Bearer ${await forge({ claims })}` }));
    }
  });

  it('G06 a changed payload byte, a foreign key, and junk strings → invalid_token', async () => {
    const [h, p, sig] = valid.split('.');
    const payload = Buffer.from(p!, 'base64url');
    payload[payload.length - 3] = payload[payload.length - 3]! ^ 1;
    await expectInvalidToken(await call({ authorization: `Bearer ${h}.${payload.toString('base64url')}.${sig}` }));
    const { privateKey } = await generateKeyPair('RS256');
    await expectInvalidToken(await call({ authorization: `Bearer ${await forge({ key: privateKey })}` }));
    for (const junk of ['foo.bar', 'foo.', '.foo', 'a.b.c', 'gat_notatoken']) {
      await expectInvalidToken(await call({ authorization: `Bearer ${junk}` }));
    }
  });

  it('G07 alg none (any case, empty or original signature) and algorithms outside the key set → invalid_token', async () => {
    const [, p, sig] = valid.split('.');
    for (const alg of ['none', 'None', 'NONE']) {
      const header = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt' })).toString('base64url');
      await expectInvalidToken(await call({ authorization: `Bearer ${header}.${p}.` }));
      await expectInvalidToken(await call({ authorization: `Bearer ${header}.${p}.${sig}` }));
    }
    const { privateKey } = await generateKeyPair('ES256');
    await expectInvalidToken(await call({ authorization: `Bearer ${await forge({ key: privateKey, alg: 'ES256' })}` }));
  });

  it('G08 HS256 signed with the public key (PEM, PEM with whitespace, JWK JSON) → invalid_token', async () => {
    const jwk = ctx.server.services.keyRing.jwks().keys[0]!;
    const { importJWK } = await import('jose');
    const publicKey = (await importJWK(jwk, 'RS256')) as CryptoKey;
    const pem = await exportSPKI(publicKey);
    const [, p] = valid.split('.');
    for (const secret of [pem, `\n ${pem}`, JSON.stringify(await exportJWK(publicKey))]) {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: jwk.kid })).toString('base64url');
      const mac = createHmac('sha256', secret).update(`${header}.${p}`).digest('base64url');
      await expectInvalidToken(await call({ authorization: `Bearer ${header}.${p}.${mac}` }));
    }
  });

  it('G09 jwk, jku and x5u headers → invalid_token, with zero outbound connections', async () => {
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const port = (listener.address() as { port: number }).port;
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    for (const header of [{ jku: `http://127.0.0.1:${port}/jwks` }, { x5u: `http://127.0.0.1:${port}/cert` }, { jwk: await exportJWK(publicKey) }]) {
      await expectInvalidToken(await call({ authorization: `Bearer ${await forge({ header, key: privateKey })}` }));
    }
    // Even with the real key, a token that names a key URL is refused.
    await expectInvalidToken(await call({ authorization: `Bearer ${await forge({ header: { jku: `http://127.0.0.1:${port}/jwks` } })}` }));
    await new Promise((r) => setTimeout(r, 100));
    listener.close();
    expect(connections).toBe(0);
  });

  it('G10 hostile kid values (traversal, SQL, 10 kB, number, object) → invalid_token, nothing logged about them', async () => {
    const before = ctx.server.logs.length;
    for (const kid of ['../../../../dev/null', "' OR '1'='1", 'k'.repeat(10_000), 42, { a: 1 }]) {
      const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid })).toString('base64url');
      const [, p, sig] = valid.split('.');
      await expectInvalidToken(await call({ authorization: `Bearer ${header}.${p}.${sig}` }));
    }
    expect(ctx.server.logs.slice(before).join('\n')).not.toMatch(/error|SQL|ENOENT/i);
  });

  it('G11 a correctly signed token with another issuer (or a trailing slash), or without its audience → invalid_token', async () => {
    for (const claims of [{ iss: 'https://evil.example' }, { iss: `${ctx.server.control}/` }, { aud: 'another-api' }, { aud: undefined }]) {
      await expectInvalidToken(await call({ authorization: `Bearer ${await forge({ claims })}` }));
    }
  });

  it('G12 typ JWT (an ID token or API-key JWT used as an access token) → invalid_token; at+JWT in any case is fine', async () => {
    await expectInvalidToken(await call({ authorization: `Bearer ${await forge({ header: { typ: 'JWT' } })}` }));
    expect((await call({ authorization: `Bearer ${await forge({ header: { typ: 'AT+JWT' } })}` })).status).toBe(200);
    expect((await call({ authorization: `Bearer ${await forge({ header: { typ: 'application/at+jwt' } })}` })).status).toBe(200);
  });

  it('G21 a 5-part JWE (PBES2 with a huge p2c) is refused quickly', async () => {
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 1000, p2s: 'c2FsdHNhbHRzYWx0c2FsdA' })
      .encrypt(new TextEncoder().encode('password'));
    const [, ...rest] = jwe.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 2147483647, p2s: 'c2FsdHNhbHRzYWx0c2FsdA' })).toString('base64url');
    const started = performance.now();
    await expectInvalidToken(await call({ authorization: `Bearer ${[header, ...rest].join('.')}` }));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('J02 a flood of tokens with unknown kids → all invalid_token; no key fetches, store reads or cache growth', async () => {
    const entries = async () => sample(await (await fetch(`${ctx.server.gateway}/metrics`)).text(), 'gatehouse_gateway_token_cache{kind="entries"}');
    const before = await entries();
    const store = ctx.server.services.store.signingKeys;
    const list = store.list.bind(store);
    let storeReads = 0;
    store.list = (...args) => (storeReads++, list(...args));
    try {
      const tokens = await Promise.all(Array.from({ length: 100 }, () => forge({ header: { kid: randomUUID() } })));
      for (let i = 0; i < tokens.length; i += 25) {
        const answers = await Promise.all(tokens.slice(i, i + 25).map((token) => call({ authorization: `Bearer ${token}` })));
        for (const res of answers) await expectInvalidToken(res);
      }
    } finally {
      store.list = list;
    }
    expect(storeReads).toBe(0);
    expect(await entries()).toBe(before);
    expect((await call({ authorization: `Bearer ${valid}` })).status).toBe(200);
  });

  it('G18 error bodies carry no secrets, keys, stack traces or SQL', async () => {
    const res = await call({ authorization: `Bearer ${await forge({ claims: { iss: 'x' } })}` });
    const text = await res.text();
    expect(text).not.toMatch(/BEGIN|PRIVATE|stack|at .*\.ts|select |gcs_|"d":/i);
    expect(text).not.toContain(s.app.secret);
  });
});

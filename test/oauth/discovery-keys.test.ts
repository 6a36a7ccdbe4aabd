import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAppWithKeys, type AppWithKeys } from '../support/fixtures.ts';
import { basic, decodeJwt, getJson, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** R09 (metadata, CORS), J01 (rotation with overlap), C05 (one key on a cold start). */

let server: TestServer;
let app: AppWithKeys;

beforeAll(async () => {
  server = await startTestServer();
  app = await anAppWithKeys(server.services);
});
afterAll(async () => server?.close());

const newToken = async () =>
  String((await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.client.consumerKey, app.secret) })).body.access_token);
const active = async (t: string) =>
  (await postForm(`${server.control}/oauth2/introspect`, { token: t }, { authorization: basic(app.client.consumerKey, app.secret) })).body.active;

describe('metadata', () => {
  it('R09 RFC 8414 and OpenID metadata name the configured issuer exactly and only S256', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await getJson(`${server.control}${path}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        issuer: server.control,
        token_endpoint: `${server.control}/oauth2/token`,
        jwks_uri: `${server.control}/oauth2/jwks`,
        revocation_endpoint: `${server.control}/oauth2/revoke`,
        introspection_endpoint: `${server.control}/oauth2/introspect`,
        code_challenge_methods_supported: ['S256'],
      });
    }
  });

  it('R09 metadata and JWKS allow any origin; the authorization endpoint never does', async () => {
    const headers = { origin: 'https://evil.example' };
    expect((await getJson(`${server.control}/.well-known/oauth-authorization-server`, headers)).headers.get('access-control-allow-origin')).toBe('*');
    expect((await getJson(`${server.control}/oauth2/jwks`, headers)).headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${server.control}/oauth2/authorize`, {
      method: 'OPTIONS',
      headers: { ...headers, 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const authorize = await fetch(`${server.control}/oauth2/authorize?client_id=x`, { headers });
    expect(authorize.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the JWKS publishes public members only and verifies issued tokens', async () => {
    const jwks = (await getJson(`${server.control}/oauth2/jwks`)).body as { keys: Array<Record<string, unknown>> };
    for (const key of jwks.keys) {
      for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key[privateMember]).toBeUndefined();
    }
    const { payload } = await jwtVerify(await newToken(), createLocalJWKSet(jwks as never), { issuer: server.control, typ: 'at+jwt', algorithms: ['RS256'] });
    expect(payload.client_id).toBe(app.client.consumerKey);
  });
});

describe('signing key rotation', () => {
  it('J01 new tokens use the new kid; old tokens keep validating; the JWKS lists both; removal ends the old ones', async () => {
    const oldToken = await newToken();
    const oldKid = String(decodeJwt(oldToken).header.kid);
    const rotated = await server.services.keyRing.rotate();
    const newer = await newToken();
    expect(decodeJwt(newer).header.kid).toBe(rotated.kid);
    expect(rotated.kid).not.toBe(oldKid);
    const kids = ((await getJson(`${server.control}/oauth2/jwks`)).body.keys as Array<{ kid: string }>).map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
    expect(await active(oldToken)).toBe(true);

    // Pruning keeps the old key while a live token needs it.
    expect(await server.services.keyRing.prune()).not.toContain(oldKid);
    expect(await server.services.keyRing.remove(oldKid)).toBe(true);
    expect(await active(oldToken)).toBe(false);
    expect(await active(newer)).toBe(true);
    const after = ((await getJson(`${server.control}/oauth2/jwks`)).body.keys as Array<{ kid: string }>).map((k) => k.kid);
    expect(after).not.toContain(oldKid);
  });

  it('the active key cannot be removed', async () => {
    await expect(server.services.keyRing.remove(server.services.keyRing.signingKey().kid)).rejects.toThrow(/rotate first/);
  });

  it('C05 twenty concurrent cold starts generate exactly one signing key', async () => {
    const fresh = await startTestServer();
    try {
      // A second key ring over the same store, racing itself and the server's.
      const { KeyRing } = await import('../../src/core/key-ring.ts');
      const { SecretBox } = await import('../../src/core/secret-box.ts');
      await fresh.services.store.transaction(async (tx) => {
        for (const k of await tx.signingKeys.list('access-token')) await tx.signingKeys.delete(k.kid);
      });
      const rings = Array.from(
        { length: 20 },
        () =>
          new KeyRing({
            store: fresh.services.store,
            changes: fresh.services.changes,
            box: new SecretBox(['test-system-secret-0123456789abcdefghijklmnop']),
            clock: fresh.services.clock,
            algorithm: 'RS256',
            purpose: 'access-token',
          }),
      );
      await Promise.all(rings.map((r) => r.ensureLoaded()));
      const keys = await fresh.services.store.signingKeys.list('access-token');
      expect(keys).toHaveLength(1);
      expect(new Set(rings.map((r) => r.signingKey().kid))).toEqual(new Set([keys[0]!.kid]));
    } finally {
      await fresh.close();
    }
  });
});

describe('other algorithms', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`${alg} keys sign tokens that verify against the JWKS with that algorithm only`, async () => {
      const other = await startTestServer({ GATEHOUSE_JWT_ALGORITHM: alg });
      try {
        const a = await anAppWithKeys(other.services);
        const res = await postForm(`${other.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(a.client.consumerKey, a.secret) });
        const jwks = (await getJson(`${other.control}/oauth2/jwks`)).body;
        const { protectedHeader } = await jwtVerify(String(res.body.access_token), createLocalJWKSet(jwks as never), { algorithms: [alg] });
        expect(protectedHeader.alg).toBe(alg);
      } finally {
        await other.close();
      }
    });
  }
});

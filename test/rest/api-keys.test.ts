import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Devportal API keys: generate (once), list (never the key), revoke, regenerate, restrictions, last-used. */

let server: TestServer;
let alice: RestUser;
let bob: RestUser;
let appId: string;

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([restUser(server), restUser(server)]);
  appId = String((await alice.devportal.post('/applications', { name: 'keys' })).body.applicationId);
});
afterAll(async () => server?.close());

const path = (suffix = '', keyType = 'PRODUCTION', id = appId) => `/applications/${id}/api-keys/${keyType}${suffix}`;

describe('API keys', () => {
  it('generates a restricted key shown once; the list has metadata and last-used time, never the key', async () => {
    const res = await alice.devportal.post(path('/generate'), {
      keyName: 'mobile',
      validityPeriod: 3600,
      additionalProperties: { permittedIP: '10.0.0.0/8, 2001:db8::/32', permittedReferer: 'https://*.example.com/*' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ keyName: 'mobile', validityTime: 3600 });
    expect(String(res.body.apikey)).toMatch(/^gak_prod_/);

    const list = await alice.devportal.get(path());
    expect(list.text).not.toContain(String(res.body.apikey));
    const info = items(list.body.list).find((k) => k.keyUUID === res.body.keyUUID)!;
    expect(info).toMatchObject({
      keyName: 'mobile',
      keyType: 'PRODUCTION',
      validityPeriod: 3600,
      additionalProperties: { permittedIP: '10.0.0.0/8,2001:db8::/32', permittedReferer: 'https://*.example.com/*' },
    });
    expect(info.lastUsed).toBeUndefined(); // never used: absent, as WSO2 (an integer when set)
    expect(info.issuedOn).toBeGreaterThan(1_700_000_000_000); // epoch milliseconds, an integer as in WSO2

    const usedAt = server.clock.now();
    await server.services.store.apiKeys.touchLastUsed(new Map([[String(res.body.keyUUID), usedAt]]));
    const after = items((await alice.devportal.get(path())).body.list).find((k) => k.keyUUID === res.body.keyUUID)!;
    expect(after.lastUsed).toBe(usedAt);
  });

  it('no body, or validity ≤ 0, means never expires; sandbox keys are separate', async () => {
    const res = await alice.devportal.post(path('/generate', 'SANDBOX'));
    expect(res.status).toBe(200);
    expect(res.body.validityTime).toBe(-1);
    expect(String(res.body.apikey)).toMatch(/^gak_sbx_/);
    expect((await alice.devportal.post(path('/generate', 'SANDBOX'), { validityPeriod: 0 })).body.validityTime).toBe(-1);
    const sandbox = items((await alice.devportal.get(path('', 'SANDBOX'))).body.list);
    expect(sandbox).toHaveLength(2);
    expect(items((await alice.devportal.get(path())).body.list).map((k) => k.keyUUID)).not.toContain(res.body.keyUUID);
  });

  it('revokes by keyUUID or by the key itself; regenerate replaces a key and keeps its name', async () => {
    const a = await alice.devportal.post(path('/generate'), { keyName: 'a' });
    const b = await alice.devportal.post(path('/generate'), { keyName: 'b' });
    expect((await alice.devportal.post(path('/revoke'), { keyUUID: a.body.keyUUID })).status).toBe(200);
    expect((await alice.devportal.post(path('/revoke'), { apikey: b.body.apikey })).status).toBe(200);
    const uuids = items((await alice.devportal.get(path())).body.list).map((k) => k.keyUUID);
    expect(uuids).not.toContain(a.body.keyUUID);
    expect(uuids).not.toContain(b.body.keyUUID);
    expect((await alice.devportal.post(path('/revoke'), { keyUUID: a.body.keyUUID })).status).toBe(404);

    const c = await alice.devportal.post(path('/generate'), { keyName: 'c', validityPeriod: 120 });
    const renewed = await alice.devportal.post(path('/regenerate'), { keyUUID: c.body.keyUUID });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ keyName: 'c', validityTime: 120 });
    expect(renewed.body.apikey).not.toBe(c.body.apikey);
    expect(renewed.body.keyUUID).not.toBe(c.body.keyUUID);
    const names = items((await alice.devportal.get(path())).body.list).filter((k) => String(k.keyName) === 'c');
    expect(names.map((k) => k.keyUUID)).toEqual([renewed.body.keyUUID]);
  });

  // [label, path suffix, key type, body, field]
  const invalid: Array<[string, string, string, Record<string, unknown>, string]> = [
    ['unknown key type', '/generate', 'STAGING', {}, 'keyType'],
    ['bad IP', '/generate', 'PRODUCTION', { additionalProperties: { permittedIP: '300.1.1.1' } }, 'permittedIP'],
    ['bad CIDR', '/generate', 'PRODUCTION', { additionalProperties: { permittedIP: '10.0.0.0/40' } }, 'permittedIP'],
    ['oversized name', '/generate', 'PRODUCTION', { keyName: 'k'.repeat(101) }, 'keyName'],
    ['control characters in the name', '/generate', 'PRODUCTION', { keyName: 'a\nb' }, 'keyName'],
    ['non-numeric validity', '/generate', 'PRODUCTION', { validityPeriod: 'forever' }, 'validityPeriod'],
    ['unknown restriction', '/generate', 'PRODUCTION', { additionalProperties: { permittedCountry: 'NL' } }, 'additionalProperties.permittedCountry'],
    ['revoke without a key', '/revoke', 'PRODUCTION', {}, 'keyUUID'],
    ['regenerate without a keyUUID', '/regenerate', 'PRODUCTION', {}, 'keyUUID'],
  ];
  for (const [label, suffix, keyType, body, field] of invalid) {
    it(`400 naming the field: ${label}`, async () => {
      const before = (await alice.devportal.get(path())).body.count;
      const res = await alice.devportal.post(path(suffix, keyType), body);
      expect(res.status).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
      expect((await alice.devportal.get(path())).body.count).toBe(before);
    });
  }

  it('T32 an API key validity above 10 years → 400 naming validityPeriod; exactly 10 years is accepted', async () => {
    const before = (await alice.devportal.get(path())).body.count;
    for (const validityPeriod of [1e11, 315_360_001]) {
      const res = await alice.devportal.post(path('/generate'), { validityPeriod });
      expect(res.status).toBe(400);
      expect(res.body.error[0]).toMatchObject({ message: 'validityPeriod', description: expect.stringMatching(/at most 315360000 seconds \(10 years\)/) });
    }
    expect((await alice.devportal.get(path())).body.count).toBe(before);
    expect((await alice.devportal.post(path('/generate'), { validityPeriod: 315_360_000 })).body.validityTime).toBe(315_360_000);
  });

  it("security: no token 401, no API-key scope 403, another user's application or key 404 (P05)", async () => {
    const key = await alice.devportal.post(path('/generate'), { keyName: 'mine' });
    expect((await fetch(`${server.control}/api/am/devportal/v3${path()}`)).status).toBe(401);
    const narrow = await restUser(server, ['subscriber'], ['apim:sub_manage']);
    expect((await narrow.devportal.post(path('/generate'), {})).status).toBe(403);
    const bobApp = String((await bob.devportal.post('/applications', { name: 'bobs' })).body.applicationId);
    for (const res of [
      await bob.devportal.get(path()),
      await bob.devportal.post(path('/generate'), {}),
      await bob.devportal.post(path('/revoke'), { keyUUID: key.body.keyUUID }),
      await bob.devportal.post(path('/revoke', 'PRODUCTION', bobApp), { keyUUID: key.body.keyUUID }),
      await bob.devportal.post(path('/revoke', 'PRODUCTION', bobApp), { apikey: key.body.apikey }),
      await bob.devportal.post(path('/regenerate', 'PRODUCTION', bobApp), { keyUUID: key.body.keyUUID }),
    ]) {
      expect(res.status).toBe(404);
    }
    expect(items((await alice.devportal.get(path())).body.list).map((k) => k.keyUUID)).toContain(key.body.keyUUID);
  });
});

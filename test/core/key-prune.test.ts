import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { scenario, type Scenario } from '../support/gateway.ts';
import { decodeJwt } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** `gatehouse keys prune` (KeyRing.prune): a retired key goes once every token it signed has expired, not before. */

let server: TestServer;
let backend: TestBackend;
let s: Scenario;

beforeAll(async () => {
  [server, backend] = await Promise.all([startTestServer(), startBackend()]);
  s = await scenario(server, { productionUrl: backend.url });
});
afterAll(async () => {
  await server?.close();
  await backend?.close();
});

const published = () => server.services.keyRing.jwks().keys.map((k) => k.kid);

describe('keys prune', () => {
  it('keeps a retired key while a token it signed is live, removes it once that token has expired', async () => {
    const keyRing = server.services.keyRing;
    const old = await s.token();
    const { header, payload } = decodeJwt(old);
    const oldKid = String(header.kid);
    const lifetimeMs = (Number(payload.exp) - Number(payload.iat)) * 1000;
    expect(lifetimeMs).toBeGreaterThan(0);

    const current = await keyRing.rotate();
    expect(await keyRing.prune()).toEqual([]);
    expect(published()).toEqual(expect.arrayContaining([oldKid, current.kid]));
    expect((await s.call('/items/1', { headers: { authorization: `Bearer ${old}` } })).status).toBe(200);

    server.clock.advance(lifetimeMs + 1000);
    const fresh = await s.token();
    expect(decodeJwt(fresh).header.kid).toBe(current.kid);
    expect(await keyRing.prune()).toEqual([oldKid]);
    expect(published()).toEqual([current.kid]);
    expect((await server.services.store.signingKeys.list('access-token')).map((k) => k.kid)).toEqual([current.kid]);
    // The active key is never pruned, and what it signed keeps working.
    expect(await keyRing.prune()).toEqual([]);
    expect((await s.call('/items/1', { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAppWithKeys, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** C07: SQLite with 16 concurrent writers (issue + revoke) — no SQLITE_BUSY 500s, every acknowledged write present. */

let server: TestServer;
let app: AppWithKeys;

beforeAll(async () => {
  server = await startTestServer();
  app = await anAppWithKeys(server.services, { tokenType: 'OAUTH' });
});
afterAll(async () => server?.close());

describe('SQLite under concurrent writers', () => {
  it('16 writers issuing and revoking at once: only 200s, and every acknowledged write is there', { timeout: 120_000 }, async () => {
    const auth = { authorization: basic(app.client.consumerKey, app.secret) };
    const statuses: number[] = [];
    const issued: string[] = [];
    const revoked: string[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async (_, writer) => {
        for (let i = 0; i < 12; i++) {
          const res = await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, auth);
          statuses.push(res.status);
          const token = String(res.body.access_token);
          if ((writer + i) % 2 === 0) {
            const revoke = await postForm(`${server.control}/oauth2/revoke`, { token }, auth);
            statuses.push(revoke.status);
            if (revoke.status === 200) revoked.push(token);
          } else if (res.status === 200) {
            issued.push(token);
          }
        }
      }),
    );
    // 16 writers × 12 issuances, half of them revoked at once.
    expect(statuses).toHaveLength(16 * 12 + 16 * 6);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const hashes = (list: string[]) => list.map((t) => server.services.hasher.hash(t));
    for (const hash of hashes(issued)) expect(await server.services.store.tokens.findAccessTokenByHash(hash)).toMatchObject({ revokedAt: null });
    for (const hash of hashes(revoked)) expect((await server.services.store.tokens.findAccessTokenByHash(hash))?.revokedAt).toEqual(expect.any(Number));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Admin v4 applications: list every user's applications, read and delete any; subscribers are refused (403). */

let server: TestServer;
let admin: RestUser;
let alice: RestUser;
let bob: RestUser;
let aliceApp: string;

beforeAll(async () => {
  server = await startTestServer();
  [admin, alice, bob] = await Promise.all([restUser(server, ['admin']), restUser(server), restUser(server)]);
  aliceApp = String((await alice.devportal.post('/applications', { name: 'alpha', description: 'a' })).body.applicationId);
  await bob.devportal.post('/applications', { name: 'beta' });
});
afterAll(async () => server?.close());

describe('admin applications', () => {
  it("lists every user's applications, filtered by user or name, paged", async () => {
    const all = await admin.admin.get('/applications?limit=100');
    expect(all.status).toBe(200);
    const names = items(all.body.list).map((a) => [a.name, a.owner]);
    expect(names).toEqual(expect.arrayContaining([['alpha', alice.user.username], ['beta', bob.user.username]]));
    const ofAlice = await admin.admin.get(`/applications?user=${alice.user.username}`);
    expect(items(ofAlice.body.list).map((a) => a.name)).toEqual(['alpha']);
    expect((await admin.admin.get('/applications?name=beta')).body.count).toBe(1);
    expect((await admin.admin.get('/applications?user=nobody-at-all')).body.count).toBe(0);
    const page = await admin.admin.get('/applications?limit=1');
    expect(page.body.count).toBe(1);
    expect(page.body.pagination.total).toBeGreaterThanOrEqual(2);
  });

  it("reads and deletes any user's application (its keys go with it); 404 when missing; subscribers get 403", async () => {
    const keys = await alice.devportal.post(`/applications/${aliceApp}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
    const res = await admin.admin.get(`/applications/${aliceApp}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'alpha', owner: alice.user.username, description: 'a', subscriptionCount: 0 });
    expect((await alice.admin.get('/applications')).status).toBe(403);
    expect((await alice.admin.del(`/applications/${aliceApp}`)).status).toBe(403);
    expect((await admin.admin.del(`/applications/${aliceApp}`)).status).toBe(200);
    expect((await alice.devportal.get(`/applications/${aliceApp}`)).status).toBe(404);
    expect(await server.services.store.clients.findForAuthentication(String(keys.body.consumerKey))).toBeNull();
    expect((await admin.admin.get(`/applications/${aliceApp}`)).status).toBe(404);
    expect((await admin.admin.del(`/applications/${aliceApp}`)).status).toBe(404);
  });
});

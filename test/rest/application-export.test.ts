import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip, writeZip } from '../../src/portal/rest/zip.ts';
import { anApiBody, items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** WSO2 application export (ZIP archive, keys without secrets) and import (subscriptions, never keys). */

let server: TestServer;
let alice: RestUser;
let bob: RestUser;
let apiId: string;
let appId: string;
let secret: string;

beforeAll(async () => {
  server = await startTestServer();
  const publisher = await restUser(server, ['publisher']);
  [alice, bob] = await Promise.all([restUser(server), restUser(server)]);
  const api = await publisher.publisher.post('/apis', anApiBody());
  apiId = String(api.body.id);
  await publisher.publisher.post(`/apis/change-lifecycle?apiId=${apiId}&action=Publish`);
  appId = String((await alice.devportal.post('/applications', { name: 'Exported', description: 'to move', attributes: { team: 'core' } })).body.applicationId);
  await alice.devportal.post('/subscriptions', { applicationId: appId, apiId, throttlingPolicy: 'Gold' });
  const keys = await alice.devportal.post(`/applications/${appId}/generate-keys`, { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] });
  secret = String(keys.body.consumerSecret);
});
afterAll(async () => server?.close());

async function exportApp(user: RestUser, query: string) {
  const response = await fetch(`${server.control}/api/am/devportal/v3/applications/export?${query}`, { headers: user.devportal.headers });
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

async function importApp(user: RestUser, zip: Buffer, query = '') {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'app.zip');
  const response = await fetch(`${server.control}/api/am/devportal/v3/applications/import${query}`, { method: 'POST', headers: user.devportal.headers, body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /applications/export', () => {
  it("exports WSO2's archive: application, subscriptions, keys without their secret", async () => {
    const res = await exportApp(alice, `appName=Exported&appOwner=${alice.user.username}&withKeys=true&format=JSON`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/zip');
    const [entry] = readZip(res.body);
    expect(entry!.name).toBe(`${alice.user.username}-Exported/${alice.user.username}-Exported.json`);
    const text = entry!.data.toString('utf8');
    expect(text).not.toContain(secret);
    const doc = JSON.parse(text) as { type: string; data: { applicationInfo: Record<string, unknown>; subscribedAPIs: unknown[] } };
    expect(doc.type).toBe('application');
    expect(doc.data.applicationInfo).toMatchObject({ name: 'Exported', description: 'to move', attributes: { team: 'core' } });
    expect((doc.data.applicationInfo.keys as unknown[]).length).toBe(1);
    expect(doc.data.subscribedAPIs).toEqual([{ apiId: expect.objectContaining({ apiName: expect.any(String), version: '1.0.0' }), throttlingPolicy: 'Gold' }]);
  });

  it("another user's application, or another owner name, is 404", async () => {
    expect((await exportApp(bob, `appName=Exported&appOwner=${alice.user.username}`)).status).toBe(404);
    expect((await exportApp(alice, `appName=Exported&appOwner=${bob.user.username}`)).status).toBe(404);
    expect((await exportApp(alice, 'appName=Exported')).status).toBe(400);
  });
});

describe('POST /applications/import', () => {
  it('imports the archive for the caller with its subscriptions and no keys; a second import is 409 unless update=true', async () => {
    const archive = (await exportApp(alice, `appName=Exported&appOwner=${alice.user.username}&withKeys=true`)).body;
    const res = await importApp(bob, archive);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Exported', owner: bob.user.username, subscriptionCount: 1 });
    const imported = await bob.devportal.get(`/applications/${String(res.body.applicationId)}`);
    expect(items(imported.body.keys)).toEqual([]);
    expect((await importApp(bob, archive)).status).toBe(409);
    expect((await importApp(bob, archive, '?update=true&skipSubscriptions=true')).status).toBe(200);
  });

  it('answers 207 naming the APIs it could not subscribe to; refuses a non-archive (400) and another owner (403)', async () => {
    const doc = { type: 'application', version: 'v4', data: { applicationInfo: { name: 'Tiered' }, subscribedAPIs: [] as unknown[] } };
    const api = (await alice.devportal.get(`/apis/${apiId}`)).body;
    doc.data.subscribedAPIs.push({ apiId: { apiName: String(api.name), version: '1.0.0' }, throttlingPolicy: 'Bronze' });
    const partial = await importApp(bob, writeZip([{ name: 'x/Tiered.json', data: Buffer.from(JSON.stringify(doc)) }]));
    expect(partial.status).toBe(207);
    expect(partial.body.count).toBe(1);
    const ignored = await importApp(alice, writeZip([{ name: 'x/Tiered.json', data: Buffer.from(JSON.stringify(doc)) }]), '?ignoreTier=true');
    expect(ignored.status).toBe(200);
    expect(ignored.body.subscriptionCount).toBe(1);

    const notZip = await importApp(alice, Buffer.from('not a zip'));
    expect(notZip.status).toBe(400);
    expect((await importApp(alice, writeZip([{ name: 'a.json', data: Buffer.from('{}') }]))).status).toBe(400);
    expect((await importApp(alice, writeZip([{ name: 'a.json', data: Buffer.from(JSON.stringify(doc)) }]), `?appOwner=${bob.user.username}`)).status).toBe(403);
  });
});

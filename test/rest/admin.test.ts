import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/fixtures.ts';
import { ADMIN, RestClient, items, restToken, restUser, type RestUser } from '../support/rest.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';

/** Admin v4: application and subscription throttling policies, users and roles. */

let server: TestServer;
let admin: RestClient;
let adminId: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = new RestClient(server, { authorization: `Bearer ${await restToken(server, 'admin', ADMIN_PASSWORD, ['apim:admin'])}` }, ADMIN);
  adminId = (await server.services.users.findByUsername('admin'))!.id;
});
afterAll(async () => server?.close());

const policyBody = (name: string, requestCount = 100, timeUnit = 'min') => ({
  policyName: name,
  displayName: `${name} tier`,
  description: `${requestCount} per ${timeUnit}`,
  defaultLimit: { type: 'REQUESTCOUNTLIMIT', requestCount: { timeUnit, unitTime: 1, requestCount } },
});

describe('throttling policies', () => {
  it('WSO2 defaults are pre-loaded, in the admin shape', async () => {
    const apps = await admin.get('/throttling/policies/application');
    expect(apps.status).toBe(200);
    expect(items(apps.body.list).map((p) => p.policyName).sort()).toEqual(['10PerMin', '20PerMin', '50PerMin', 'Unlimited']);
    const fifty = items(apps.body.list).find((p) => String(p.policyName) === '50PerMin')!;
    expect(fifty).toMatchObject({ type: 'ApplicationThrottlePolicy', isDeployed: true, defaultLimit: { type: 'REQUESTCOUNTLIMIT', requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 50 } } });
    const subs = await admin.get('/throttling/policies/subscription');
    expect(Object.fromEntries(items(subs.body.list).map((p) => [p.policyName, p.defaultLimit.requestCount.requestCount]))).toEqual({
      Gold: 5000,
      Silver: 2000,
      Bronze: 1000,
      Unlimited: 2_147_483_647,
    });
    expect(items(subs.body.list)[0]!.type).toBe('SubscriptionThrottlePolicy');
  });

  for (const level of ['application', 'subscription'] as const) {
    it(`${level}: create, get, update, delete; the new tier is usable at once`, async () => {
      const created = await admin.post(`/throttling/policies/${level}`, { ...policyBody(`${level}Tier`, 300, 'hour'), stopOnQuotaReach: false });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ policyName: `${level}Tier`, displayName: `${level}Tier tier`, stopOnQuotaReach: false, defaultLimit: { requestCount: { timeUnit: 'hour', requestCount: 300 } } });
      const id = String(created.body.policyId);
      expect(created.headers.get('location')).toBe(`/api/am/admin/v4/throttling/policies/${level}/${id}`);
      expect((await admin.get(`/throttling/policies/${level}/${id}`)).body.policyName).toBe(`${level}Tier`);
      const updated = await admin.put(`/throttling/policies/${level}/${id}`, { ...policyBody(`${level}Tier`, 2_147_483_647), policyId: 'ignored', isDeployed: false });
      expect(updated.status).toBe(200);
      expect(updated.body.defaultLimit.requestCount.requestCount).toBe(2_147_483_647);
      expect(updated.body.isDeployed).toBe(true);
      const devportalView = await new RestClient(server, admin.headers, '/api/am/devportal/v3').get(`/throttling-policies/${level}/${level}Tier`);
      expect(devportalView.body.requestCount).toBe(2_147_483_647);
      expect((await admin.del(`/throttling/policies/${level}/${id}`)).status).toBe(200);
      expect((await admin.get(`/throttling/policies/${level}/${id}`)).status).toBe(404);
    });
  }

  it('a tier still in use cannot be deleted (409), so throttling never silently stops', async () => {
    const created = await admin.post('/throttling/policies/application', policyBody('InUse'));
    await server.services.applications.create(adminId, { name: 'uses-InUse', throttlingPolicy: 'InUse' });
    const refused = await admin.del(`/throttling/policies/application/${created.body.policyId}`);
    expect(refused.status).toBe(409);
    expect((await admin.get(`/throttling/policies/application/${created.body.policyId}`)).status).toBe(200);
    const gold = (await server.services.policies.list('subscription')).find((p) => p.name === 'Gold')!;
    await server.services.apis.create(adminId, { name: 'offersGold', context: '/offers-gold', version: '1', policies: ['Gold'] });
    expect((await admin.del(`/throttling/policies/subscription/${gold.id}`)).status).toBe(409);
  });

  it('an application tier is not found under the subscription path; duplicate names → 409; renames → 400', async () => {
    const created = await admin.post('/throttling/policies/application', policyBody('Dup'));
    expect((await admin.get(`/throttling/policies/subscription/${created.body.policyId}`)).status).toBe(404);
    expect((await admin.post('/throttling/policies/application', policyBody('Dup'))).status).toBe(409);
    const rename = await admin.put(`/throttling/policies/application/${created.body.policyId}`, policyBody('Renamed'));
    expect(rename.status).toBe(400);
    expect(rename.body.error[0]!.message).toBe('policyName');
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['unknown field', { ...policyBody('V1'), colour: 'red' }, 'colour'],
    ['bad name', policyBody('bad name'), 'policyName'],
    ['bandwidth limit type', { ...policyBody('V2'), defaultLimit: { type: 'BANDWIDTHLIMIT', requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 1 } } }, 'defaultLimit.type'],
    ['zero requests', policyBody('V3', 0), 'defaultLimit.requestCount.requestCount'],
    ['unknown time unit', policyBody('V4', 10, 'week'), 'defaultLimit.requestCount.timeUnit'],
    ['missing limit', { policyName: 'V5' }, 'defaultLimit'],
    ['requests as a string', { ...policyBody('V6'), defaultLimit: { type: 'REQUESTCOUNTLIMIT', requestCount: { timeUnit: 'min', unitTime: 1, requestCount: '10' } } }, 'defaultLimit.requestCount.requestCount'],
  ];
  for (const [label, body, field] of invalid) {
    it(`400 naming the field, nothing created: ${label}`, async () => {
      const before = (await admin.get('/throttling/policies/application')).body.count;
      const res = await admin.post('/throttling/policies/application', body);
      expect(res.status).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
      expect((await admin.get('/throttling/policies/application')).body.count).toBe(before);
    });
  }
});

describe('users and roles', () => {
  it('creates users (never returning a password or hash), lists, gets, changes roles and password', async () => {
    const created = await admin.post('/users', { username: 'carol', password: 'carol-password-1', roles: ['subscriber'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'carol', roles: ['subscriber'], disabled: false });
    expect(created.text).not.toMatch(/password|argon2/i);
    const id = String(created.body.userId);
    const list = await admin.get('/users?limit=100');
    expect(items(list.body.list).map((u) => u.username)).toEqual(expect.arrayContaining(['admin', 'carol']));
    expect(list.text).not.toMatch(/argon2|passwordHash/);
    expect((await admin.get(`/users/${id}`)).body.username).toBe('carol');

    const promoted = await admin.put(`/users/${id}`, { roles: ['subscriber', 'publisher'], password: 'carol-password-2', username: 'mallory' });
    expect(promoted.body).toMatchObject({ username: 'carol', roles: ['subscriber', 'publisher'] });
    const token = await restToken(server, 'carol', 'carol-password-2', ['apim:api_create']);
    expect((await new RestClient(server, { authorization: `Bearer ${token}` }, '/api/am/publisher/v4').get('/apis')).status).toBe(200);
    await expect(restToken(server, 'carol', 'carol-password-1')).rejects.toThrow();
  });

  it('an admin password reset signs the user out everywhere: existing tokens stop working', async () => {
    const erin: RestUser = await restUser(server);
    expect((await erin.devportal.get('/applications')).status).toBe(200);
    expect((await admin.put(`/users/${erin.user.id}`, { password: 'a-brand-new-password' })).status).toBe(200);
    expect((await erin.devportal.get('/applications')).status).toBe(401);
    const renewed = await restToken(server, erin.user.username, 'a-brand-new-password');
    expect((await new RestClient(server, { authorization: `Bearer ${renewed}` }).get('/applications')).status).toBe(200);
  });

  it('disabling a user revokes their tokens', async () => {
    const dave: RestUser = await restUser(server);
    expect((await dave.devportal.get('/applications')).status).toBe(200);
    const res = await admin.put(`/users/${dave.user.id}`, { disabled: true });
    expect(res.body.disabled).toBe(true);
    expect((await dave.devportal.get('/applications')).status).toBe(401);
    await expect(restToken(server, dave.user.username, PASSWORD)).rejects.toThrow();
    expect((await admin.put(`/users/${dave.user.id}`, { disabled: false })).body.disabled).toBe(false);
    const renewed = await restToken(server, dave.user.username, PASSWORD);
    expect((await new RestClient(server, { authorization: `Bearer ${renewed}` }).get('/applications')).status).toBe(200);
  });

  it('validation: duplicate username 409; bad username, short password, unknown role, unknown field 400; admins cannot lock themselves out', async () => {
    expect((await admin.post('/users', { username: 'admin', password: 'whatever-1', roles: ['admin'] })).status).toBe(409);
    for (const [body, field] of [
      [{ username: 'bad name', password: 'long-enough-1', roles: ['subscriber'] }, 'username'],
      [{ username: 'shorty', password: 'short', roles: ['subscriber'] }, 'password'],
      [{ username: 'roleless', password: 'long-enough-1', roles: ['superuser'] }, 'roles[0]'],
      [{ username: 'noroles', password: 'long-enough-1', roles: [] }, 'roles'],
      [{ username: 'extra', password: 'long-enough-1', roles: ['subscriber'], passwordHash: '$argon2id$x' }, 'passwordHash'],
    ] as const) {
      const res = await admin.post('/users', body);
      expect(res.status).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
    }
    expect((await admin.get('/users?limit=1000')).text).not.toContain('shorty');
    const selfDisable = await admin.put(`/users/${adminId}`, { disabled: true });
    expect(selfDisable.status).toBe(400);
    const selfDemote = await admin.put(`/users/${adminId}`, { roles: ['subscriber'] });
    expect(selfDemote.status).toBe(400);
    expect((await admin.get(`/users/${adminId}`)).body).toMatchObject({ disabled: false, roles: expect.arrayContaining(['admin']) });
    const badPassword = await admin.put(`/users/${adminId}`, { roles: ['admin', 'publisher'], password: 'x' });
    expect(badPassword.status).toBe(400);
    expect((await admin.get(`/users/${adminId}`)).body.roles).toEqual(['admin', 'publisher', 'subscriber']);
    expect((await admin.get('/users/nobody')).status).toBe(404);
  });

  it('lists the roles with the scopes each can obtain', async () => {
    const res = await admin.get('/roles');
    const byName = Object.fromEntries(items(res.body.list).map((r) => [r.name, r.scopes]));
    expect(byName.subscriber).toEqual(expect.arrayContaining(['apim:subscribe', 'apim:app_manage', 'apim:api_key']));
    expect(byName.publisher).toEqual(expect.arrayContaining(['apim:api_create', 'apim:api_publish']));
    expect(byName.admin).toEqual(expect.arrayContaining(['apim:admin']));
  });

  it('security: 401 without token; publishers, subscribers and tier-only tokens cannot manage users', async () => {
    expect((await fetch(`${server.control}${ADMIN}/users`)).status).toBe(401);
    const publisher = await restUser(server, ['publisher', 'subscriber']);
    expect((await publisher.admin.get('/users')).status).toBe(403);
    expect((await publisher.admin.post('/users', { username: 'x1', password: 'long-enough-1', roles: ['admin'] })).status).toBe(403);
    expect((await publisher.admin.get('/throttling/policies/application')).status).toBe(403);
    expect((await publisher.admin.post('/throttling/policies/application', policyBody('Nope'))).status).toBe(403);
    const tierViewer = new RestClient(server, { authorization: `Bearer ${await restToken(server, 'admin', ADMIN_PASSWORD, ['apim:tier_view'])}` }, ADMIN);
    expect((await tierViewer.get('/throttling/policies/application')).status).toBe(200);
    expect((await tierViewer.post('/throttling/policies/application', policyBody('Nope2'))).status).toBe(403);
    expect((await tierViewer.get('/users')).status).toBe(403);
  });
});

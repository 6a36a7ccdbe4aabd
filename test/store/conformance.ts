import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UniqueViolation } from '../../src/core/errors.ts';
import type { Store } from '../../src/store/ports.ts';
import {
  T0,
  aClient,
  aPolicy,
  aRefreshToken,
  aUser,
  anAccessToken,
  anApi,
  anApiKey,
  anApplication,
} from '../support/factories.ts';
import { migratedStore } from './store-fixture.ts';

/**
 * The store conformance suite: every backend runs exactly these tests (better-auth adapter suites,
 * hydra's manager_test_helpers). Each test works on its own fresh records, so one database can host
 * the whole run.
 */
export function describeStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    const fixture = migratedStore(open);

    it('migrating twice is a no-op', async () => {
      expect((await fixture.store.migrate()).applied).toEqual([]);
    });

    it('settings: written once — of two writers the first value stays, and both are told which', async () => {
      const name = `setting-${randomUUID()}`;
      expect(await fixture.store.settings.get(name)).toBeNull();
      const [a, b] = await Promise.all([fixture.store.settings.setOnce(name, 'first'), fixture.store.settings.setOnce(name, 'second')]);
      expect(a).toBe(b);
      expect(await fixture.store.settings.setOnce(name, 'third')).toBe(a);
      expect(await fixture.store.settings.get(name)).toBe(a);
    });

    it('users: create, find, update, and unique usernames', async () => {
      const user = aUser({ roles: ['publisher', 'subscriber'] });
      await fixture.store.users.create(user);
      expect(await fixture.store.users.findById(user.id)).toEqual(user);
      expect(await fixture.store.users.findByUsername(user.username)).toEqual(user);
      await expect(fixture.store.users.create(aUser({ username: user.username }))).rejects.toBeInstanceOf(UniqueViolation);
      const updated = await fixture.store.users.update(user.id, { disabled: true, roles: ['admin'] });
      expect(updated).toMatchObject({ disabled: true, roles: ['admin'] });
      expect(await fixture.store.users.update(randomUUID(), { disabled: true })).toBeNull();
      expect(await fixture.store.users.guardEnabled(user.id)).toBe(false);
      await fixture.store.users.update(user.id, { disabled: false });
      expect(await fixture.store.users.guardEnabled(user.id)).toBe(true);
    });

    it('applications: names are unique per owner, not globally; list pages and filters', async () => {
      const alice = aUser();
      const bob = aUser();
      await fixture.store.users.create(alice);
      await fixture.store.users.create(bob);
      const app = anApplication(alice.id, { name: 'Shared', attributes: { tier: 'x' } });
      await fixture.store.applications.create(app);
      await fixture.store.applications.create(anApplication(bob.id, { name: 'Shared' }));
      await expect(fixture.store.applications.create(anApplication(alice.id, { name: 'Shared' }))).rejects.toBeInstanceOf(UniqueViolation);
      for (const n of ['B', 'C', 'D']) await fixture.store.applications.create(anApplication(alice.id, { name: n }));

      expect(await fixture.store.applications.findById(app.id)).toEqual(app);
      const page = await fixture.store.applications.list({ ownerId: alice.id, limit: 2, offset: 1 });
      expect(page.total).toBe(4);
      expect(page.items.map((a) => a.name)).toEqual(['C', 'D']);
      const byName = await fixture.store.applications.list({ ownerId: alice.id, name: 'Shared', limit: 10, offset: 0 });
      expect(byName.items).toEqual([app]);

      const renamed = await fixture.store.applications.update(app.id, { name: 'Renamed', updatedAt: T0 + 1 });
      expect(renamed).toMatchObject({ name: 'Renamed', updatedAt: T0 + 1, ownerId: alice.id });
      await expect(fixture.store.applications.update(app.id, { name: 'B' })).rejects.toBeInstanceOf(UniqueViolation);
      expect(await fixture.store.applications.delete(app.id)).toBe(true);
      expect(await fixture.store.applications.delete(app.id)).toBe(false);
    });

    it('clients: one key mapping per application and key type; secrets listed, deleted', async () => {
      const owner = aUser();
      await fixture.store.users.create(owner);
      const app = anApplication(owner.id);
      await fixture.store.applications.create(app);
      const prod = aClient(owner.id, { applicationId: app.id, keyType: 'PRODUCTION' });
      await fixture.store.clients.create(prod);
      await fixture.store.clients.create(aClient(owner.id, { applicationId: app.id, keyType: 'SANDBOX' }));
      await expect(fixture.store.clients.create(aClient(owner.id, { applicationId: app.id, keyType: 'PRODUCTION' }))).rejects.toBeInstanceOf(
        UniqueViolation,
      );
      expect(await fixture.store.clients.findByConsumerKey(prod.consumerKey)).toEqual(prod);
      expect(await fixture.store.clients.findByKeyMappingId(prod.keyMappingId!)).toEqual(prod);
      expect((await fixture.store.clients.listByApplication(app.id)).map((c) => c.keyType)).toEqual(['PRODUCTION', 'SANDBOX']);

      const updated = await fixture.store.clients.update(prod.consumerKey, { grantTypes: ['password'], appTokenTtlSeconds: -1 });
      expect(updated).toMatchObject({ grantTypes: ['password'], appTokenTtlSeconds: -1 });

      const secret = { id: randomUUID(), consumerKey: prod.consumerKey, hash: randomUUID(), start: 'gcs_ab', description: 'd', createdAt: T0, expiresAt: null };
      await fixture.store.clients.addSecret(secret);
      await fixture.store.clients.addSecret({ ...secret, id: randomUUID(), hash: randomUUID(), createdAt: T0 + 1, expiresAt: T0 + 5 });
      await expect(fixture.store.clients.addSecret({ ...secret, id: randomUUID() })).rejects.toBeInstanceOf(UniqueViolation);
      expect((await fixture.store.clients.listSecrets(prod.consumerKey)).map((s) => s.expiresAt)).toEqual([null, T0 + 5]);
      expect(await fixture.store.clients.deleteSecret(prod.consumerKey, secret.id)).toBe(true);
      expect(await fixture.store.clients.deleteSecret('other-client', secret.id)).toBe(false);
      expect(await fixture.store.clients.guardUnchanged(prod.consumerKey, updated!.updatedAt)).toBe(true);
      await fixture.store.clients.update(prod.consumerKey, { updatedAt: updated!.updatedAt + 1 });
      expect(await fixture.store.clients.guardUnchanged(prod.consumerKey, updated!.updatedAt)).toBe(false);
      expect((await fixture.store.clients.findForAuthentication(prod.consumerKey))?.ownerActive).toBe(true);
      expect(await fixture.store.clients.delete(prod.consumerKey)).toBe(true);
      expect(await fixture.store.clients.listSecrets(prod.consumerKey)).toEqual([]);
      expect(await fixture.store.clients.guardUnchanged(prod.consumerKey, updated!.updatedAt + 1)).toBe(false);
    });

    it('apis: context+version unique, published filter, full update round-trips', async () => {
      const provider = aUser();
      await fixture.store.users.create(provider);
      const api = anApi(provider.id, {
        scopes: [{ name: 'menu:read', displayName: 'Read', description: '', bindings: ['subscriber'] }],
        operations: [{ target: '/menu/{id}', verb: 'GET', authType: 'Application', throttlingPolicy: '10KPerMin', scopes: ['menu:read'] }],
      });
      await fixture.store.apis.create(api);
      await expect(fixture.store.apis.create(anApi(provider.id, { context: api.context }))).rejects.toBeInstanceOf(UniqueViolation);
      expect(await fixture.store.apis.findById(api.id)).toEqual(api);
      const published = { ...api, lifeCycleStatus: 'PUBLISHED' as const, sandboxUrl: 'http://127.0.0.1:2', updatedAt: T0 + 9 };
      expect(await fixture.store.apis.update(api.id, published, T0 + 1)).toBe(false);
      expect(await fixture.store.apis.update(api.id, published, T0)).toBe(true);
      expect(await fixture.store.apis.findById(api.id)).toEqual(published);
      const list = await fixture.store.apis.list({ limit: 1000, offset: 0, publishedOnly: true });
      expect(list.items.map((a) => a.id)).toContain(api.id);
      expect(list.items.every((a) => a.lifeCycleStatus === 'PUBLISHED' || a.lifeCycleStatus === 'DEPRECATED')).toBe(true);
    });

    it('subscriptions: unique per application and API; update and delete', async () => {
      const user = aUser();
      await fixture.store.users.create(user);
      const app = anApplication(user.id);
      await fixture.store.applications.create(app);
      const api = anApi(user.id);
      await fixture.store.apis.create(api);
      const sub = { id: randomUUID(), applicationId: app.id, apiId: api.id, throttlingPolicy: 'Gold', status: 'UNBLOCKED' as const, createdAt: T0, updatedAt: T0 };
      await fixture.store.subscriptions.create(sub);
      await expect(fixture.store.subscriptions.create({ ...sub, id: randomUUID() })).rejects.toBeInstanceOf(UniqueViolation);
      expect(await fixture.store.subscriptions.listByApplication(app.id)).toEqual([sub]);
      expect((await fixture.store.subscriptions.list({ apiId: api.id, limit: 10, offset: 0 })).total).toBe(1);
      expect(await fixture.store.subscriptions.update(sub.id, { throttlingPolicy: 'Bronze', status: 'BLOCKED' })).toMatchObject({
        throttlingPolicy: 'Bronze',
        status: 'BLOCKED',
      });
      expect(await fixture.store.subscriptions.delete(sub.id)).toBe(true);
      expect(await fixture.store.subscriptions.findById(sub.id)).toBeNull();
    });

    it('policies: unique name per level; unlimited stored as null', async () => {
      const policy = aPolicy({ level: 'subscription', requestCount: null });
      await fixture.store.policies.create(policy);
      await fixture.store.policies.create(aPolicy({ level: 'application', name: policy.name }));
      await expect(fixture.store.policies.create(aPolicy({ level: 'subscription', name: policy.name }))).rejects.toBeInstanceOf(UniqueViolation);
      expect(await fixture.store.policies.findByName('subscription', policy.name)).toEqual(policy);
      await fixture.store.policies.update(policy.id, { ...policy, requestCount: 5000, timeUnit: 'hour' });
      expect(await fixture.store.policies.findById(policy.id)).toMatchObject({ requestCount: 5000, timeUnit: 'hour' });
      expect((await fixture.store.policies.list('subscription')).some((p) => p.id === policy.id)).toBe(true);
      expect(await fixture.store.policies.delete(policy.id)).toBe(true);
    });

    it('signing keys: at most one is active; rotation retires it first', async () => {
      const base = { purpose: 'access-token' as const, alg: 'RS256' as const, publicJwk: { kty: 'RSA' }, privateKeyEnc: 'enc', status: 'active' as const, createdAt: T0, retiredAt: null };
      const k1 = { ...base, kid: randomUUID() };
      const k2 = { ...base, kid: randomUUID(), createdAt: T0 + 1 };
      await fixture.store.signingKeys.retireActive('access-token', T0);
      await fixture.store.signingKeys.create(k1);
      await expect(fixture.store.signingKeys.create(k2)).rejects.toBeInstanceOf(UniqueViolation);
      await fixture.store.transaction(async (tx) => {
        await tx.signingKeys.retireActive('access-token', T0 + 2);
        await tx.signingKeys.create(k2);
      });
      const keys = (await fixture.store.signingKeys.list('access-token')).filter((k) => k.kid === k1.kid || k.kid === k2.kid);
      expect(keys.map((k) => [k.kid, k.status, k.retiredAt])).toEqual([
        [k1.kid, 'retired', T0 + 2],
        [k2.kid, 'active', null],
      ]);
      // Another purpose has its own active key.
      await fixture.store.signingKeys.create({ ...base, purpose: 'backend-jwt', kid: randomUUID() });
      expect((await fixture.store.signingKeys.list('backend-jwt')).filter((k) => k.status === 'active')).toHaveLength(1);
      expect(await fixture.store.signingKeys.delete(k1.kid)).toBe(true);
    });

    it('access tokens: revocation by selector returns only live tokens, once', async () => {
      const grantId = randomUUID();
      const now = T0 + 10;
      const opaque = anAccessToken({ format: 'OPAQUE', hash: randomUUID(), grantId, kid: null });
      const jwt = anAccessToken({ grantId, expiresAt: null });
      const expired = anAccessToken({ grantId, expiresAt: T0 });
      for (const t of [opaque, jwt, expired]) await fixture.store.tokens.insertAccessToken(t);
      expect(await fixture.store.tokens.findAccessTokenByHash(opaque.hash!)).toEqual(opaque);
      expect(await fixture.store.tokens.findAccessTokenByJti(jwt.jti)).toEqual(jwt);

      const revoked = await fixture.store.tokens.revokeAccessTokens({ grantId }, now);
      expect(revoked.map((r) => r.jti).sort()).toEqual([opaque.jti, jwt.jti].sort());
      expect(revoked.find((r) => r.jti === opaque.jti)?.hash).toBe(opaque.hash);
      expect(await fixture.store.tokens.revokeAccessTokens({ grantId }, now + 1)).toEqual([]);
      expect((await fixture.store.tokens.findAccessTokenByJti(jwt.jti))?.revokedAt).toBe(now);

      // What the gateway's lookups read: revoked rows say so.
      expect((await fixture.store.tokens.findAccessTokenByHash(opaque.hash!))?.revokedAt).toBe(now);
    });

    it('access tokens: selectors by client and by user', async () => {
      const consumerKey = randomUUID();
      const userId = randomUUID();
      const a = anAccessToken({ consumerKey, format: 'OPAQUE', hash: randomUUID() });
      const b = anAccessToken({ userId });
      await fixture.store.tokens.insertAccessToken(a);
      await fixture.store.tokens.insertAccessToken(b);
      expect((await fixture.store.tokens.revokeAccessTokens({ consumerKey }, T0)).map((t) => t.jti)).toEqual([a.jti]);
      expect((await fixture.store.tokens.revokeAccessTokens({ userId }, T0)).map((t) => t.jti)).toEqual([b.jti]);
      expect((await fixture.store.tokens.revokeAccessTokens({ jti: b.jti }, T0))).toEqual([]);
    });

    it('access tokens: live expiries per signing key', async () => {
      const kid = randomUUID();
      await fixture.store.tokens.insertAccessToken(anAccessToken({ kid, expiresAt: T0 + 100 }));
      await fixture.store.tokens.insertAccessToken(anAccessToken({ kid, expiresAt: T0 + 500 }));
      await fixture.store.tokens.insertAccessToken(anAccessToken({ kid, expiresAt: T0 - 1 }));
      expect(await fixture.store.tokens.liveTokenExpiriesForKid(kid, T0)).toEqual({ count: 2, neverExpires: false, maxExpiresAt: T0 + 500 });
      await fixture.store.tokens.insertAccessToken(anAccessToken({ kid, expiresAt: null }));
      expect((await fixture.store.tokens.liveTokenExpiriesForKid(kid, T0)).neverExpires).toBe(true);
      expect(await fixture.store.tokens.liveTokenExpiriesForKid(randomUUID(), T0)).toEqual({ count: 0, neverExpires: false, maxExpiresAt: null });
    });

    it('refresh tokens: consumption is single-use even under concurrency (C01)', async () => {
      const token = aRefreshToken();
      await fixture.store.tokens.insertRefreshToken(token);
      const results = await Promise.all(Array.from({ length: 10 }, () => fixture.store.tokens.consumeRefreshToken(token.hash, T0 + 1)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await fixture.store.tokens.findRefreshTokenByHash(token.hash))?.consumedAt).toBe(T0 + 1);
    });

    it('refresh tokens: expired or revoked ones cannot be consumed', async () => {
      const expired = aRefreshToken({ expiresAt: T0 });
      const revoked = aRefreshToken();
      const forever = aRefreshToken({ expiresAt: null });
      for (const t of [expired, revoked, forever]) await fixture.store.tokens.insertRefreshToken(t);
      expect(await fixture.store.tokens.revokeRefreshTokens({ hash: revoked.hash }, T0)).toBe(1);
      expect(await fixture.store.tokens.consumeRefreshToken(expired.hash, T0 + 1)).toBeNull();
      expect(await fixture.store.tokens.consumeRefreshToken(revoked.hash, T0 + 1)).toBeNull();
      expect(await fixture.store.tokens.consumeRefreshToken(forever.hash, T0 + 10 ** 12)).not.toBeNull();
      expect(await fixture.store.tokens.revokeRefreshTokens({ grantId: forever.grantId }, T0)).toBe(1);
    });

    it('authorization codes: redeemed exactly once under concurrency (C02)', async () => {
      const code = {
        hash: randomUUID(),
        consumerKey: 'ck',
        userId: 'u',
        redirectUri: 'https://client.example/cb',
        scopes: ['a', 'b'],
        codeChallenge: 'x',
        grantId: randomUUID(),
        issuedAt: T0,
        expiresAt: T0 + 600_000,
        consumedAt: null,
      };
      await fixture.store.tokens.insertAuthorizationCode(code);
      expect(await fixture.store.tokens.findAuthorizationCode(code.hash)).toEqual(code);
      const results = await Promise.all(Array.from({ length: 10 }, () => fixture.store.tokens.consumeAuthorizationCode(code.hash, T0 + 1)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('purge removes only rows that can never matter again', async () => {
      const old = anAccessToken({ expiresAt: 1000 });
      const forever = anAccessToken({ expiresAt: null });
      await fixture.store.tokens.insertAccessToken(old);
      await fixture.store.tokens.insertAccessToken(forever);
      expect(await fixture.store.tokens.purgeExpired(2000)).toBeGreaterThanOrEqual(1);
      expect(await fixture.store.tokens.findAccessTokenByJti(old.jti)).toBeNull();
      expect(await fixture.store.tokens.findAccessTokenByJti(forever.jti)).not.toBeNull();
    });

    it('api keys: hash lookup, single revocation, live list and last-used batching', async () => {
      const appId = randomUUID();
      const key = anApiKey(appId, { permittedIps: ['10.0.0.0/8'], permittedReferers: ['*.example.com'] });
      const sandbox = anApiKey(appId, { keyType: 'SANDBOX', expiresAt: T0 + 1 });
      await fixture.store.apiKeys.create(key);
      await fixture.store.apiKeys.create(sandbox);
      expect(await fixture.store.apiKeys.findByHash(key.hash)).toEqual(key);
      expect((await fixture.store.apiKeys.listByApplication(appId, 'PRODUCTION')).map((k) => k.id)).toEqual([key.id]);
      await fixture.store.apiKeys.touchLastUsed(new Map([[key.id, T0 + 50]]));
      await fixture.store.apiKeys.touchLastUsed(new Map([[key.id, T0 + 20]]));
      expect((await fixture.store.apiKeys.findById(key.id))?.lastUsedAt).toBe(T0 + 50);
      expect((await fixture.store.apiKeys.revoke(key.id, T0 + 3))?.revokedAt).toBe(T0 + 3);
      expect(await fixture.store.apiKeys.revoke(key.id, T0 + 4)).toBeNull();
      expect((await fixture.store.apiKeys.revokeByApplication(appId, T0 + 5)).map((k) => k.id)).toEqual([sandbox.id]);
    });

    it('api keys bound to an API (0006): list by API, unassociated keys of an owner, rebinding live keys only', async () => {
      const apiId = randomUUID();
      const ownerId = randomUUID();
      const appId = randomUUID();
      const made = anApiKey('', { origin: 'api', apiId, ownerId });
      const appKey = anApiKey(appId);
      const other = anApiKey('', { origin: 'api', apiId: randomUUID(), ownerId });
      for (const k of [made, appKey, other]) await fixture.store.apiKeys.create(k);
      expect(await fixture.store.apiKeys.findById(made.id)).toEqual(made);
      expect((await fixture.store.apiKeys.listByApi(apiId)).map((k) => k.id)).toEqual([made.id]);
      expect((await fixture.store.apiKeys.listUnassociated(ownerId)).map((k) => k.id).sort()).toEqual([made.id, other.id].sort());
      expect(await fixture.store.apiKeys.rebind(made.id, { applicationId: appId, apiId })).toMatchObject({ applicationId: appId, apiId, origin: 'api' });
      expect((await fixture.store.apiKeys.listUnassociated(ownerId)).map((k) => k.id)).toEqual([other.id]);
      expect(await fixture.store.apiKeys.rebind(appKey.id, { applicationId: appId, apiId })).toMatchObject({ apiId, origin: 'application' });
      expect((await fixture.store.apiKeys.listByApi(apiId)).map((k) => k.id).sort()).toEqual([made.id, appKey.id].sort());
      await fixture.store.apiKeys.revoke(other.id, T0);
      expect(await fixture.store.apiKeys.rebind(other.id, { applicationId: appId, apiId: null })).toBeNull();
      expect(await fixture.store.apiKeys.listUnassociated(ownerId)).toEqual([]);
    });

    it('sessions: create, find, delete by id and by user', async () => {
      const userId = randomUUID();
      const s = { idHash: randomUUID(), userId, csrfToken: 'c', createdAt: T0, expiresAt: T0 + 1 };
      await fixture.store.sessions.create(s);
      await fixture.store.sessions.create({ ...s, idHash: randomUUID() });
      expect(await fixture.store.sessions.find(s.idHash)).toEqual(s);
      await fixture.store.sessions.delete(s.idHash);
      expect(await fixture.store.sessions.find(s.idHash)).toBeNull();
      await fixture.store.sessions.deleteByUser(userId);
    });

    it('transactions: a failure rolls back every write, events included', async () => {
      const user = aUser();
      const before = await fixture.store.events.latestId();
      await expect(
        fixture.store.transaction(async (tx) => {
          await tx.users.create(user);
          await tx.events.append({ type: 'application.deleted', applicationId: 'x' }, T0);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await fixture.store.users.findById(user.id)).toBeNull();
      expect(await fixture.store.events.latestId()).toBe(before);
    });

    it('event log: ids increase and catch-up returns events after a cursor, in order', async () => {
      const start = await fixture.store.events.latestId();
      const appended = await fixture.store.transaction(async (tx) => [
        await tx.events.append({ type: 'api.deleted', apiId: 'a' }, T0),
        await tx.events.append({ type: 'api.deleted', apiId: 'b' }, T0 + 1),
      ]);
      expect(appended[1]!.id).toBeGreaterThan(appended[0]!.id);
      const since = await fixture.store.events.since(start, 100);
      expect(since.map((e) => e.event)).toEqual([
        { type: 'api.deleted', apiId: 'a' },
        { type: 'api.deleted', apiId: 'b' },
      ]);
      expect(await fixture.store.events.since(appended[0]!.id, 1)).toEqual([appended[1]]);
      expect(await fixture.store.events.latestId()).toBe(appended[1]!.id);
      expect(await fixture.store.events.purge({ now: T0 + 1, maxAgeMs: 0, minAgeMs: 0, consumerStaleMs: 0 })).toBeGreaterThanOrEqual(1);
      expect((await fixture.store.events.since(start, 100)).map((e) => e.event)).toEqual([{ type: 'api.deleted', apiId: 'b' }]);
    });

    it('event log mark: everything committed is visible; an id still in flight stays below the mark', async () => {
      const appended = await fixture.store.events.append({ type: 'api.deleted', apiId: 'm1' }, T0);
      const mark = await fixture.store.events.mark();
      expect(mark.lowWater >= appended.id || mark.visible.includes(appended.id)).toBe(true);
      if (fixture.store.dialect !== 'postgres') return; // SQLite has one writer: ids commit in order.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let inFlight = 0;
      const open = fixture.store.transaction(async (tx) => {
        inFlight = (await tx.events.append({ type: 'api.deleted', apiId: 'slow' }, T0)).id;
        await gate;
      });
      try {
        while (inFlight === 0) await new Promise((r) => setTimeout(r, 5));
        const later = await fixture.store.events.append({ type: 'api.deleted', apiId: 'fast' }, T0);
        const during = await fixture.store.events.mark();
        expect(during.lowWater).toBeLessThan(inFlight);
        expect(during.visible).toContain(later.id);
        expect(during.visible).not.toContain(inFlight);
      } finally {
        release();
        await open;
      }
      const after = await fixture.store.events.mark();
      expect(after.lowWater >= inFlight || after.visible.includes(inFlight)).toBe(true);
    });

    it('ping answers while the store is reachable', async () => {
      await expect(fixture.store.ping()).resolves.toBeUndefined();
    });
  });
}

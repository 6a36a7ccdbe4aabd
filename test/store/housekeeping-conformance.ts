import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/ports.ts';
import { T0, aRefreshToken, anAccessToken, anApiKey } from '../support/factories.ts';
import { migratedStore } from './store-fixture.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The purges' clock: rows kept by one test stay kept in the next. */
const NOW = T0 + 10 * HOUR;

/**
 * Housekeeping conformance (issue 11 §5): what each purge removes, what it keeps, that its work per
 * call is bounded, and batched last-used writes. Every backend runs these on a database of its own: the purges count rows
 * across whole tables, so the tests run in order on a store nothing else writes to.
 */
export function describeHousekeepingConformance(name: string, open: () => Promise<Store>): void {
  describe(`store housekeeping: ${name}`, () => {
    const fixture = migratedStore(open);

    it('a purge deletes at most batchSize × maxBatches rows per rule and call; the rest waits for the next call', async () => {
      for (let i = 0; i < 7; i++) await fixture.store.tokens.insertAccessToken(anAccessToken({ expiresAt: T0 }));
      const limits = { batchSize: 2, maxBatches: 2 };
      expect(await fixture.store.tokens.purgeExpired(T0 + 1, limits)).toBe(4);
      expect(await fixture.store.tokens.purgeExpired(T0 + 1, limits)).toBe(3);
      expect(await fixture.store.tokens.purgeExpired(T0 + 1, limits)).toBe(0);
    });

    it('a purge keeps revoked JWTs until they expire, unless their signing key is gone; revoked opaque tokens go after the grace', async () => {
      const now = NOW;
      const kid = randomUUID();
      await fixture.store.signingKeys.create({ kid, purpose: 'access-token', alg: 'RS256', publicJwk: {}, privateKeyEnc: 'enc', status: 'retired', createdAt: T0, retiredAt: T0 });
      const opaque = (o: Parameters<typeof anAccessToken>[0]) => anAccessToken({ format: 'OPAQUE', hash: randomUUID(), kid: null, expiresAt: null, ...o });
      const gone = [
        opaque({ revokedAt: now - 2 * HOUR }),
        anAccessToken({ kid: 'deleted-kid', expiresAt: null, revokedAt: now - 2 * HOUR }),
        anAccessToken({ kid, expiresAt: now, revokedAt: null }),
      ];
      const kept = [
        opaque({ revokedAt: now - HOUR / 2 }),
        opaque({ revokedAt: null }),
        anAccessToken({ kid, expiresAt: null, revokedAt: now - 2 * HOUR }),
        anAccessToken({ kid, expiresAt: now + 1, revokedAt: now - 2 * HOUR }),
        anAccessToken({ kid: 'deleted-kid', expiresAt: null, revokedAt: null }),
      ];
      for (const token of [...gone, ...kept]) await fixture.store.tokens.insertAccessToken(token);

      expect(await fixture.store.tokens.purgeExpired(now)).toBe(gone.length);
      for (const token of gone) expect(await fixture.store.tokens.findAccessTokenByJti(token.jti)).toBeNull();
      for (const token of kept) expect(await fixture.store.tokens.findAccessTokenByJti(token.jti)).not.toBeNull();

      // Once the key is deleted, its revoked JWTs can never verify again: their rows go too.
      await fixture.store.signingKeys.delete(kid);
      expect(await fixture.store.tokens.purgeExpired(now)).toBe(2);
      expect(await fixture.store.tokens.findAccessTokenByJti(kept[2]!.jti)).toBeNull();
    });

    it('a purge deletes refresh tokens, codes and sessions past their expiry, used or not, and keeps live ones', async () => {
      const now = NOW;
      const consumedLive = aRefreshToken({ expiresAt: now + 1, consumedAt: T0 });
      await fixture.store.tokens.insertRefreshToken(aRefreshToken({ expiresAt: now, consumedAt: T0 }));
      await fixture.store.tokens.insertRefreshToken(aRefreshToken({ expiresAt: now - 1, revokedAt: T0 }));
      await fixture.store.tokens.insertRefreshToken(consumedLive);
      const code = { consumerKey: 'ck', userId: 'u', redirectUri: 'https://c.example/cb', scopes: [], codeChallenge: 'x', grantId: 'g', issuedAt: T0, consumedAt: T0 };
      await fixture.store.tokens.insertAuthorizationCode({ ...code, hash: randomUUID(), expiresAt: now });
      const liveCode = { ...code, hash: randomUUID(), expiresAt: now + 1 };
      await fixture.store.tokens.insertAuthorizationCode(liveCode);
      const session = { userId: 'u', csrfToken: 'c', createdAt: T0 };
      await fixture.store.sessions.create({ ...session, idHash: randomUUID(), expiresAt: now });
      const liveSession = { ...session, idHash: randomUUID(), expiresAt: now + 1 };
      await fixture.store.sessions.create(liveSession);

      expect(await fixture.store.tokens.purgeExpired(now)).toBe(4);
      expect(await fixture.store.tokens.findRefreshTokenByHash(consumedLive.hash)).not.toBeNull();
      expect(await fixture.store.tokens.findAuthorizationCode(liveCode.hash)).not.toBeNull();
      expect(await fixture.store.sessions.find(liveSession.idHash)).not.toBeNull();
    });
    it('event log: the hard cap deletes old events whatever consumers say; younger ones wait for every live consumer', async () => {
      const append = (apiId: string, at: number) => fixture.store.events.append({ type: 'api.deleted', apiId }, at);
      await append('past the hard cap', NOW - 8 * DAY);
      const read = await append('read by all', NOW - 2 * HOUR);
      const half = await append('read by one', NOW - 2 * HOUR);
      const recent = await append('younger than minAgeMs', NOW - HOUR / 6);
      const remaining = async () => (await fixture.store.events.since(0, 100)).map((e) => e.id);
      const options = (now: number) => ({ now, maxAgeMs: 7 * DAY, minAgeMs: HOUR, consumerStaleMs: DAY });
      await fixture.store.events.recordConsumer('a', half.id, NOW);
      await fixture.store.events.recordConsumer('b', read.id, NOW - 60_000);
      await fixture.store.events.recordConsumer('stale', 0, NOW - 2 * DAY);

      expect(await fixture.store.events.purge(options(NOW))).toBe(2);
      expect(await remaining()).toEqual([half.id, recent.id]);

      // b moves on: what both have read goes once it is older than minAgeMs; the recent event waits.
      await fixture.store.events.recordConsumer('b', recent.id, NOW);
      expect(await fixture.store.events.purge(options(NOW))).toBe(1);
      expect(await remaining()).toEqual([recent.id]);

      // Every consumer stale: nothing is known about who still reads, so only the hard cap deletes.
      expect(await fixture.store.events.purge(options(NOW + 3 * DAY))).toBe(0);
      expect(await fixture.store.events.purge(options(NOW + 8 * DAY))).toBe(1);
      expect(await remaining()).toEqual([]);
    });
    it('api keys: one touchLastUsed call updates more keys than one statement takes; last-used never moves backwards', async () => {
      const applicationId = randomUUID();
      const keys = Array.from({ length: 1200 }, () => anApiKey(applicationId));
      await fixture.store.transaction(async (tx) => {
        for (const key of keys) await tx.apiKeys.create(key);
      });
      const [newer, older] = keys;
      await fixture.store.apiKeys.touchLastUsed(new Map([[newer!.id, T0 + 200], [older!.id, T0 + 50]]));

      // Another gateway flushes older uses of some keys: the newer time stays, every other key moves on.
      await fixture.store.apiKeys.touchLastUsed(new Map(keys.map((k) => [k.id, T0 + 100])));
      const lastUsed = new Map((await fixture.store.apiKeys.listByApplication(applicationId, 'PRODUCTION')).map((k) => [k.id, k.lastUsedAt]));
      expect(lastUsed.size).toBe(keys.length);
      expect(lastUsed.get(newer!.id)).toBe(T0 + 200);
      expect(keys.slice(1).every((k) => lastUsed.get(k.id) === T0 + 100)).toBe(true);
      await fixture.store.apiKeys.touchLastUsed(new Map());
    });
  });
}

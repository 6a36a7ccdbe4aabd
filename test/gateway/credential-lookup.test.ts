import { describe, expect, it } from 'vitest';
import type { ChangeEvent, StoredEvent } from '../../src/core/events.ts';
import type { AccessTokenRecord, ApiKeyRecord } from '../../src/core/model.ts';
import { CredentialLookup, CREDENTIAL_LOOKUP_DEFAULTS } from '../../src/gateway/credential-lookup.ts';
import { LookupCache } from '../../src/gateway/lookup-cache.ts';
import { MissLimiter } from '../../src/gateway/miss-limiter.ts';
import { T0, anAccessToken, anApiKey } from '../support/factories.ts';

/** The gateway's credential lookups (issue 11 §2): bounded, coalescing, with a negative cache events cannot make wrong. */

const at = (id: number, event: ChangeEvent): StoredEvent => ({ id, at: T0, event });

/** A store read that answers only when the test says so. */
function controlledLoad<V>() {
  const waiting: Array<{ key: string; answer: (value: V | null) => void; fail: (error: Error) => void }> = [];
  return {
    waiting,
    load: (key: string) => new Promise<V | null>((answer, fail) => waiting.push({ key, answer, fail })),
  };
}

const options = { maxEntries: 100, negativeTtlMs: 1000, refreshAfterMs: 60_000 };

describe('lookup cache', () => {
  it('coalesces concurrent misses of one key into one store read', async () => {
    const store = controlledLoad<string>();
    const cache = new LookupCache({ ...options, load: store.load });
    const reads = Array.from({ length: 20 }, () => cache.fetch('h'));
    expect(store.waiting).toHaveLength(1);
    store.waiting[0]!.answer('value');
    expect(await Promise.all(reads)).toEqual(Array(20).fill('value'));
    expect(cache.peek('h')?.value).toBe('value');
    expect(cache.loads).toBe(1);
  });

  it('keeps a negative answer for its TTL only', async () => {
    let now = 0;
    let reads = 0;
    const cache = new LookupCache<string>({ ...options, now: () => now, load: async () => (reads++, null) });
    expect(await cache.fetch('h')).toBeNull();
    now = 999;
    expect(cache.peek('h')).toEqual(expect.objectContaining({ value: null }));
    now = 1000;
    expect(cache.peek('h')).toBeUndefined();
    expect(reads).toBe(1);
  });

  it('never caches nor answers with a read that a change event overtook (the negative-cache race)', async () => {
    const store = controlledLoad<string>();
    const cache = new LookupCache({ ...options, load: store.load });
    const first = cache.fetch('h');
    // The read started before the credential was committed; its "issued" event arrives while it is in flight.
    cache.created('h');
    store.waiting[0]!.answer(null);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.waiting).toHaveLength(2);
    store.waiting[1]!.answer('issued');
    expect(await first).toBe('issued');
    expect(cache.peek('h')?.value).toBe('issued');
  });

  it('an issuance event arriving after the value was read leaves the positive answer in place', async () => {
    let reads = 0;
    const cache = new LookupCache<string>({ ...options, load: async () => (reads++, 'value') });
    await cache.fetch('h');
    cache.created('h');
    expect(cache.peek('h')?.value).toBe('value');
    expect(reads).toBe(1);
  });

  it('an event updates only keys it knows, so a mass revocation cannot flood it', async () => {
    const cache = new LookupCache<string>({ ...options, load: async (key) => `value-${key}` });
    await cache.fetch('known');
    cache.update('known', null);
    cache.update('unknown', null);
    expect(cache.peek('known')?.value).toBeNull();
    expect(cache.size).toBe(1);
  });

  it('is bounded: the least recently used entry goes first', async () => {
    const cache = new LookupCache<string>({ ...options, maxEntries: 3, load: async (key) => key });
    for (const key of ['a', 'b', 'c']) await cache.fetch(key);
    cache.peek('a');
    await cache.fetch('d');
    expect(cache.size).toBe(3);
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')?.value).toBe('a');
  });

  it('keeps serving a known value while its background refresh fails (store down), and takes the refreshed one', async () => {
    let now = 0;
    let storeUp = true;
    let value = 'v1';
    const cache = new LookupCache<string>({
      ...options,
      refreshAfterMs: 100,
      now: () => now,
      load: async () => {
        if (!storeUp) throw new Error('store down');
        return value;
      },
    });
    await cache.fetch('h');
    storeUp = false;
    now = 200;
    expect(cache.peek('h')?.value).toBe('v1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.peek('h')?.value).toBe('v1');
    storeUp = true;
    value = 'v2';
    now = 2000;
    cache.peek('h');
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.peek('h')?.value).toBe('v2');
  });
});

describe('miss limiter', () => {
  it('refuses an address after its burst of unknown credentials, refills over time, and leaves other addresses alone', () => {
    let now = 0;
    const limiter = new MissLimiter({ perSecond: 10, burst: 5, maxAddresses: 100, now: () => now });
    for (let i = 0; i < 5; i++) {
      expect(limiter.allow('10.0.0.1')).toBe(true);
      limiter.charge('10.0.0.1');
    }
    expect(limiter.allow('10.0.0.1')).toBe(false);
    expect(limiter.retryAfterSeconds('10.0.0.1')).toBe(1);
    expect(limiter.allow('10.0.0.2')).toBe(true);
    now = 100;
    expect(limiter.allow('10.0.0.1')).toBe(true);
  });
});

describe('credential lookup', () => {
  function lookupOver(tokens: Map<string, AccessTokenRecord>, keys: Map<string, ApiKeyRecord>) {
    let reads = 0;
    const store = {
      tokens: {
        findAccessTokenByHash: async (hash: string) => (reads++, tokens.get(hash) ?? null),
        findAccessTokenByJti: async (jti: string) => (reads++, [...tokens.values()].find((t) => t.jti === jti) ?? null),
      },
      apiKeys: { findByHash: async (hash: string) => (reads++, keys.get(hash) ?? null) },
    };
    const lookup = new CredentialLookup(store as never, CREDENTIAL_LOOKUP_DEFAULTS);
    return { lookup, reads: () => reads };
  }

  it('finds live tokens and keys, treats revoked ones as unknown, and applies revocation events to cached entries', async () => {
    const live = anAccessToken({ format: 'OPAQUE', hash: 'live', applicationId: 'a1', keyType: 'PRODUCTION' });
    const revoked = anAccessToken({ format: 'OPAQUE', hash: 'revoked', applicationId: 'a1', keyType: 'PRODUCTION', revokedAt: T0 });
    const key = anApiKey('a1', { hash: 'k1' });
    const { lookup, reads } = lookupOver(new Map([['live', live], ['revoked', revoked]]), new Map([['k1', key]]));

    expect(await lookup.opaque.fetch('live')).toEqual(live);
    expect(await lookup.opaque.fetch('revoked')).toBeNull();
    expect(await lookup.apiKeys.fetch('k1')).toEqual(key);
    expect(await lookup.jwtRevoked.fetch(revoked.jti)).toBe(true);
    expect(await lookup.jwtRevoked.fetch('never-seen')).toBe(false);

    lookup.apply([
      at(1, { type: 'tokens.revoked', tokens: [{ jti: live.jti, hash: 'live', expiresAt: live.expiresAt }] }),
      at(2, { type: 'api-key.revoked', keyId: key.id, hash: 'k1' }),
      at(3, { type: 'tokens.revoked', tokens: [{ jti: 'never-seen', hash: null, expiresAt: null }] }),
    ]);
    const before = reads();
    expect(lookup.opaque.peek('live')?.value).toBeNull();
    expect(lookup.apiKeys.peek('k1')?.value).toBeNull();
    expect(lookup.jwtRevoked.peek('never-seen')?.value).toBe(true);
    expect(reads()).toBe(before);
  });

  it("revoking every token of a client drops that client's cached tokens and every jti answer, not others' tokens, with a constant-size event", async () => {
    const mine = anAccessToken({ format: 'OPAQUE', hash: 'mine', consumerKey: 'ck1', applicationId: 'a1', keyType: 'PRODUCTION' });
    const theirs = anAccessToken({ format: 'OPAQUE', hash: 'theirs', consumerKey: 'ck2', applicationId: 'a2', keyType: 'PRODUCTION' });
    const jwt = anAccessToken({ consumerKey: 'ck1' });
    const { lookup } = lookupOver(new Map([['mine', mine], ['theirs', theirs], ['jwt', jwt]]), new Map());
    await lookup.opaque.fetch('mine');
    await lookup.opaque.fetch('theirs');
    expect(await lookup.jwtRevoked.fetch(jwt.jti)).toBe(false);

    lookup.apply([at(1, { type: 'tokens.revoked-by', selector: { consumerKey: 'ck1' } })]);
    expect(lookup.opaque.peek('mine')).toBeUndefined();
    expect(lookup.opaque.peek('theirs')?.value).toEqual(theirs);
    expect(lookup.jwtRevoked.peek(jwt.jti)).toBeUndefined();
  });

  it('an issuance event clears the negative answer for that hash at once', async () => {
    const tokens = new Map<string, AccessTokenRecord>();
    const { lookup } = lookupOver(tokens, new Map());
    expect(await lookup.opaque.fetch('fresh')).toBeNull();
    expect(lookup.opaque.peek('fresh')?.value).toBeNull();
    tokens.set('fresh', anAccessToken({ format: 'OPAQUE', hash: 'fresh', applicationId: 'a1', keyType: 'PRODUCTION' }));
    lookup.apply([at(1, { type: 'token.issued', hash: 'fresh' })]);
    expect(lookup.opaque.peek('fresh')).toBeUndefined();
    expect((await lookup.opaque.fetch('fresh'))?.hash).toBe('fresh');
  });
});

import type { StoredEvent } from '../core/events.ts';
import type { AccessTokenRecord, ApiKeyRecord } from '../core/model.ts';
import type { Store } from '../store/ports.ts';
import { LookupCache } from './lookup-cache.ts';
import { MissLimiter } from './miss-limiter.ts';

export interface CredentialLookupOptions {
  /** Entries per cache (opaque tokens, API keys, JWT revocation states). */
  maxEntries: number;
  negativeTtlMs: number;
  refreshAfterMs: number;
  /** Unknown-credential lookups allowed per client address: sustained rate and burst. */
  missesPerSecond: number;
  missBurst: number;
}

export const CREDENTIAL_LOOKUP_DEFAULTS: CredentialLookupOptions = {
  maxEntries: 100_000,
  negativeTtlMs: 2_000,
  refreshAfterMs: 60_000,
  missesPerSecond: 10,
  missBurst: 50,
};

/**
 * The high-cardinality half of the gateway's state (issue 11 §2–3): opaque tokens and API keys by
 * hash, and whether a JWT's jti was revoked, each looked up in the store on a miss through a bounded
 * cache, and kept right by the change events that concern them. Nothing here is loaded at start, so
 * memory and start-up do not grow with the store.
 */
export class CredentialLookup {
  /** Live opaque tokens by hash (null: unknown, expired-and-purged, or revoked). */
  readonly opaque: LookupCache<AccessTokenRecord>;
  /** Live API keys by hash. */
  readonly apiKeys: LookupCache<ApiKeyRecord>;
  /** Whether a (verified) JWT's jti was revoked; a jti the store does not know was never revoked. */
  readonly jwtRevoked: LookupCache<boolean>;
  readonly misses: MissLimiter;

  constructor(store: Pick<Store, 'tokens' | 'apiKeys'>, options: CredentialLookupOptions = CREDENTIAL_LOOKUP_DEFAULTS) {
    const common = { maxEntries: options.maxEntries, negativeTtlMs: options.negativeTtlMs, refreshAfterMs: options.refreshAfterMs };
    this.opaque = new LookupCache({
      ...common,
      load: async (hash) => {
        const token = await store.tokens.findAccessTokenByHash(hash);
        return token && token.revokedAt === null && token.applicationId && token.keyType ? token : null;
      },
    });
    this.apiKeys = new LookupCache({
      ...common,
      load: async (hash) => {
        const key = await store.apiKeys.findByHash(hash);
        return key && key.revokedAt === null ? key : null;
      },
    });
    this.jwtRevoked = new LookupCache({
      ...common,
      load: async (jti) => ((await store.tokens.findAccessTokenByJti(jti))?.revokedAt ?? null) !== null,
    });
    this.misses = new MissLimiter({ perSecond: options.missesPerSecond, burst: options.missBurst, maxAddresses: 10_000 });
  }

  /** Applies the credential events: revocations replace cached answers, issuance drops negative ones. */
  apply(events: readonly StoredEvent[]): void {
    for (const { event } of events) {
      switch (event.type) {
        case 'token.issued':
          // Older logs carry the whole record; only its hash matters here.
          this.opaque.created('hash' in event ? event.hash : ((event as { token?: { hash?: string } }).token?.hash ?? ''));
          break;
        case 'tokens.revoked':
          for (const token of event.tokens) {
            if (token.hash) this.opaque.update(token.hash, null);
            this.jwtRevoked.update(token.jti, true);
          }
          break;
        case 'tokens.revoked-by': {
          // O(cache), for a rare event: the cached tokens of that client, user or grant go (the store
          // says revoked on the next read); jti answers carry no owner, so they are all read again.
          const selector = event.selector;
          const picks =
            'consumerKey' in selector
              ? (t: AccessTokenRecord) => t.consumerKey === selector.consumerKey
              : 'userId' in selector
                ? (t: AccessTokenRecord) => t.userId === selector.userId
                : (t: AccessTokenRecord) => t.grantId === selector.grantId;
          this.opaque.dropWhere(picks);
          this.jwtRevoked.clear();
          break;
        }
        case 'api-key.saved':
          this.apiKeys.created(event.key.hash);
          break;
        case 'api-key.revoked':
          this.apiKeys.update(event.hash, null);
          break;
      }
    }
  }
}

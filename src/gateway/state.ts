import type { ChangeEvent, PublicSigningKey, RevokedToken, StoredEvent } from '../core/events.ts';
import { toPublic } from '../core/key-ring.ts';
import type { AccessTokenRecord, Api, ApiKeyRecord, Application, KeyType, PolicyLevel, Subscription, ThrottlePolicy } from '../core/model.ts';
import type { Store } from '../store/ports.ts';
import { RouteTable } from './route-table.ts';

/** The entity an event is about, for per-entity ordering; null for events that only accumulate (revocations). */
function entityOf(event: ChangeEvent): string | null {
  switch (event.type) {
    case 'api.saved':
      return `api:${event.api.id}`;
    case 'api.deleted':
      return `api:${event.apiId}`;
    case 'application.saved':
      return `application:${event.application.id}`;
    case 'application.deleted':
      return `application:${event.applicationId}`;
    case 'client.saved':
      return `client:${event.client.consumerKey}`;
    case 'client.deleted':
      return `client:${event.consumerKey}`;
    case 'subscription.saved':
      return `subscription:${event.subscription.id}`;
    case 'subscription.deleted':
      return `subscription:${event.subscriptionId}`;
    case 'policy.saved':
      return `policy:${event.policy.id}`;
    case 'policy.deleted':
      return `policy:${event.policyId}`;
    case 'signing-key.saved':
      return `signing-key:${event.key.kid}`;
    case 'signing-key.deleted':
      return `signing-key:${event.kid}`;
    default:
      return null;
  }
}

/** Published and deprecated APIs route; blocked ones route too, so callers learn they are blocked (900907). */
const routable = (api: Api): boolean => ['PUBLISHED', 'DEPRECATED', 'BLOCKED'].includes(api.lifeCycleStatus);

/**
 * Values found by a pair of keys (no combined key string built per lookup on the request path), and
 * removable by their id.
 */
class PairIndex<T extends { id: string }> {
  private readonly byFirst = new Map<string, Map<string, T>>();
  private readonly byId = new Map<string, readonly [string, string]>();

  constructor(private readonly keysOf: (value: T) => readonly [string, string]) {}

  get(first: string, second: string): T | undefined {
    return this.byFirst.get(first)?.get(second);
  }

  put(value: T): void {
    this.remove(value.id);
    const keys = this.keysOf(value);
    let inner = this.byFirst.get(keys[0]);
    if (!inner) this.byFirst.set(keys[0], (inner = new Map()));
    inner.set(keys[1], value);
    this.byId.set(value.id, keys);
  }

  remove(id: string): void {
    const keys = this.byId.get(id);
    if (!keys) return;
    this.byId.delete(id);
    const inner = this.byFirst.get(keys[0]);
    if (inner?.get(keys[1])?.id !== id) return;
    inner.delete(keys[1]);
    if (inner.size === 0) this.byFirst.delete(keys[0]);
  }
}

export interface ClientMapping {
  applicationId: string;
  keyType: KeyType;
}

/**
 * Everything the gateway decides with, in memory: loaded once from the store, then kept fresh by change
 * events. The request path reads only this (never the database).
 */
export class GatewayState {
  readonly routes = new RouteTable();
  readonly apis = new Map<string, Api>();
  readonly applications = new Map<string, Application>();
  readonly clients = new Map<string, ClientMapping>();
  /** By application id, then API id. */
  private readonly subscriptions = new PairIndex<Subscription>((s) => [s.applicationId, s.apiId]);
  /** By level, then name. */
  private readonly policies = new PairIndex<ThrottlePolicy>((p) => [p.level, p.name]);
  /** Live opaque access tokens by hash. */
  readonly opaqueTokens = new Map<string, AccessTokenRecord>();
  /**
   * Revoked token ids (JWT and opaque) → when they would have expired (null: never). Kept for opaque
   * tokens too, so an issuance event that arrives after its revocation cannot resurrect the token.
   */
  readonly revokedJtis = new Map<string, number | null>();
  /** Revoked API key hashes, for the same reason. */
  private readonly revokedKeyHashes = new Set<string>();
  /** Live API keys by hash. */
  readonly apiKeys = new Map<string, ApiKeyRecord>();
  signingKeys: PublicSigningKey[] = [];
  /** Events the loaded snapshot already reflects (everything ≤ lowWater, plus `visible`). */
  private snapshot: { lowWater: number; visible: Set<number> } = { lowWater: 0, visible: new Set() };
  /**
   * The id of the last event applied to each entity (tombstones included). Events from several
   * control processes can arrive out of id order; an older event never overwrites a newer one.
   */
  private readonly entityVersions = new Map<string, number>();
  /** The id of the newest change event applied. */
  version = 0;

  /** Loads everything in one consistent snapshot, with the mark of the events that snapshot reflects. */
  async load(store: Store, now: number): Promise<void> {
    const [mark, apis, applications, clients, subscriptions, policies, opaque, revoked, apiKeys, keys] = await store.readSnapshot((tx) =>
      Promise.all([
        tx.events.mark(),
        tx.apis.listAll(),
        tx.applications.listAll(),
        tx.clients.listApplicationClients(),
        tx.subscriptions.listAll(),
        tx.policies.listAll(),
        tx.tokens.listLiveOpaqueTokens(now),
        tx.tokens.listRevokedJwts(now),
        tx.apiKeys.listLive(now),
        tx.signingKeys.list('access-token'),
      ]),
    );
    for (const api of apis) this.apis.set(api.id, api);
    for (const application of applications) this.applications.set(application.id, application);
    for (const client of clients) {
      if (client.applicationId && client.keyType) this.clients.set(client.consumerKey, { applicationId: client.applicationId, keyType: client.keyType });
    }
    for (const subscription of subscriptions) this.subscriptions.put(subscription);
    for (const policy of policies) this.policies.put(policy);
    for (const token of opaque) if (token.hash) this.opaqueTokens.set(token.hash, token);
    this.addRevoked(revoked);
    for (const key of apiKeys) this.apiKeys.set(key.hash, key);
    this.signingKeys = keys.map(toPublic);
    this.routes.rebuild([...this.apis.values()].filter(routable));
    this.snapshot = { lowWater: mark.lowWater, visible: new Set(mark.visible) };
    this.version = Math.max(mark.lowWater, ...mark.visible);
  }

  subscription(applicationId: string, apiId: string): Subscription | undefined {
    return this.subscriptions.get(applicationId, apiId);
  }

  policy(level: PolicyLevel, name: string): ThrottlePolicy | undefined {
    return this.policies.get(level, name);
  }

  apply(events: readonly StoredEvent[]): void {
    let routesChanged = false;
    for (const { id, event } of events) {
      if (id <= this.snapshot.lowWater || this.snapshot.visible.has(id)) continue;
      const entity = entityOf(event);
      if (entity !== null) {
        if (id <= (this.entityVersions.get(entity) ?? 0)) continue;
        this.entityVersions.set(entity, id);
      }
      this.version = Math.max(this.version, id);
      switch (event.type) {
        case 'api.saved':
          this.apis.set(event.api.id, event.api);
          routesChanged = true;
          break;
        case 'api.deleted':
          this.apis.delete(event.apiId);
          routesChanged = true;
          break;
        case 'application.saved':
          this.applications.set(event.application.id, event.application);
          break;
        case 'application.deleted':
          this.applications.delete(event.applicationId);
          break;
        case 'client.saved':
          if (event.client.applicationId && event.client.keyType) {
            this.clients.set(event.client.consumerKey, { applicationId: event.client.applicationId, keyType: event.client.keyType });
          }
          break;
        case 'client.deleted':
          this.clients.delete(event.consumerKey);
          break;
        case 'subscription.saved':
          this.subscriptions.put(event.subscription);
          break;
        case 'subscription.deleted':
          this.subscriptions.remove(event.subscriptionId);
          break;
        case 'policy.saved':
          this.policies.put(event.policy);
          break;
        case 'policy.deleted':
          this.policies.remove(event.policyId);
          break;
        case 'signing-key.saved':
          if (event.key.purpose === 'access-token') this.signingKeys = [...this.signingKeys.filter((k) => k.kid !== event.key.kid), event.key];
          break;
        case 'signing-key.deleted':
          this.signingKeys = this.signingKeys.filter((k) => k.kid !== event.kid);
          break;
        case 'token.issued':
          if (event.token.hash && !this.revokedJtis.has(event.token.jti)) this.opaqueTokens.set(event.token.hash, event.token);
          break;
        case 'tokens.revoked':
          this.addRevoked(event.tokens);
          break;
        case 'api-key.saved':
          if (!this.revokedKeyHashes.has(event.key.hash)) this.apiKeys.set(event.key.hash, event.key);
          break;
        case 'api-key.revoked':
          this.apiKeys.delete(event.hash);
          this.revokedKeyHashes.add(event.hash);
          break;
      }
    }
    if (routesChanged) this.routes.rebuild([...this.apis.values()].filter(routable));
  }

  /** Drops entries that can no longer matter: expired tokens, keys and deny-list entries. */
  sweep(now: number): void {
    for (const [hash, token] of this.opaqueTokens) if (token.expiresAt !== null && token.expiresAt <= now) this.opaqueTokens.delete(hash);
    for (const [jti, expiresAt] of this.revokedJtis) if (expiresAt !== null && expiresAt <= now) this.revokedJtis.delete(jti);
    for (const [hash, key] of this.apiKeys) if (key.expiresAt !== null && key.expiresAt <= now) this.apiKeys.delete(hash);
  }

  private addRevoked(tokens: readonly RevokedToken[]): void {
    for (const token of tokens) {
      if (token.hash) this.opaqueTokens.delete(token.hash);
      this.revokedJtis.set(token.jti, token.expiresAt);
    }
  }
}

import type { ChangeEvent, PublicSigningKey, StoredEvent } from '../core/events.ts';
import { toPublic } from '../core/key-ring.ts';
import type { Api, Application, KeyType, PolicyLevel, Subscription, ThrottlePolicy } from '../core/model.ts';
import type { EventMark, Store } from '../store/ports.ts';
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

  *values(): IterableIterator<T> {
    for (const inner of this.byFirst.values()) yield* inner.values();
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

/** The replicated state as written to disk: what a gateway restarted while the store is down starts from. */
export interface StateSnapshot {
  format: 1;
  /** Epoch ms when it was taken. */
  takenAt: number;
  mark: EventMark;
  apis: Api[];
  applications: Application[];
  clients: Array<[string, ClientMapping]>;
  subscriptions: Subscription[];
  policies: ThrottlePolicy[];
  signingKeys: PublicSigningKey[];
}

/**
 * The replicated half of the gateway's state (issue 11 §1): everything that grows with applications and
 * APIs, not with credentials — APIs and routes, applications, key mappings, subscriptions, tiers and
 * signing keys. Loaded once from the store (or a last-known-good snapshot), then kept fresh by change
 * events. Credentials are looked up, not copied: see `CredentialLookup`.
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
  signingKeys: PublicSigningKey[] = [];
  /** Events the loaded snapshot already reflects (everything ≤ lowWater, plus `visible`). */
  private snapshot: { lowWater: number; visible: Set<number> } = { lowWater: 0, visible: new Set() };
  /**
   * The id of the last event applied to each entity (tombstones included). Events from several
   * control processes can arrive out of id order; an older event never overwrites a newer one.
   */
  private readonly entityVersions = new Map<string, number>();

  /** Loads everything in one consistent snapshot, with the mark of the events that snapshot reflects. */
  async load(store: Store): Promise<void> {
    const [mark, apis, applications, clients, subscriptions, policies, keys] = await store.readSnapshot((tx) =>
      Promise.all([
        tx.events.mark(),
        tx.apis.listAll(),
        tx.applications.listAll(),
        tx.clients.listApplicationClients(),
        tx.subscriptions.listAll(),
        tx.policies.listAll(),
        tx.signingKeys.list('access-token'),
      ]),
    );
    const mappings: Array<[string, ClientMapping]> = [];
    for (const client of clients) {
      if (client.applicationId && client.keyType) mappings.push([client.consumerKey, { applicationId: client.applicationId, keyType: client.keyType }]);
    }
    this.restore({ format: 1, takenAt: 0, mark, apis, applications, clients: mappings, subscriptions, policies, signingKeys: keys.map(toPublic) });
  }

  /** Starts from a snapshot taken earlier (`toSnapshot`); events after its mark are applied as usual. */
  restore(snapshot: StateSnapshot): void {
    for (const api of snapshot.apis) this.apis.set(api.id, api);
    for (const application of snapshot.applications) this.applications.set(application.id, application);
    for (const [consumerKey, mapping] of snapshot.clients) this.clients.set(consumerKey, mapping);
    for (const subscription of snapshot.subscriptions) this.subscriptions.put(subscription);
    for (const policy of snapshot.policies) this.policies.put(policy);
    this.signingKeys = snapshot.signingKeys;
    this.routes.rebuild([...this.apis.values()].filter(routable));
    this.snapshot = { lowWater: snapshot.mark.lowWater, visible: new Set(snapshot.mark.visible) };
  }

  /**
   * What this state reflects now, with the mark it was loaded from: a process restored from it re-reads
   * the log from that mark, and replaying events in id order ends at the newest value of each entity,
   * whatever the snapshot already held.
   */
  toSnapshot(takenAt: number): StateSnapshot {
    return {
      format: 1,
      takenAt,
      mark: { lowWater: this.snapshot.lowWater, visible: [...this.snapshot.visible] },
      apis: [...this.apis.values()],
      applications: [...this.applications.values()],
      clients: [...this.clients.entries()],
      subscriptions: [...this.subscriptions.values()],
      policies: [...this.policies.values()],
      signingKeys: this.signingKeys,
    };
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
      }
    }
    if (routesChanged) this.routes.rebuild([...this.apis.values()].filter(routable));
  }
}

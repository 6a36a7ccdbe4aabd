import type { ChangeEvent, RevokedToken, StoredEvent } from '../core/events.ts';
import type {
  AccessTokenRecord,
  Api,
  ApiKeyRecord,
  Application,
  AuthorizationCodeRecord,
  ClientSecret,
  KeyPurpose,
  KeyType,
  OAuthClient,
  PolicyLevel,
  RefreshTokenRecord,
  Session,
  SigningKey,
  Subscription,
  ThrottlePolicy,
  TokenType,
  User,
} from '../core/model.ts';

/**
 * Store ports: one interface per aggregate. Multi-step invariants (single-use codes, refresh rotation,
 * revocation) are single guarded statements here, never read-then-write in callers. Unique
 * constraints surface as `UniqueViolation`.
 */

export interface Page {
  limit: number;
  offset: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
}

export interface UserRepo {
  create(user: User): Promise<void>;
  findById(id: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  list(page: Page): Promise<Paged<User>>;
  count(): Promise<number>;
  update(id: string, patch: Partial<Pick<User, 'passwordHash' | 'roles' | 'disabled'>>): Promise<User | null>;
  /** Inside a transaction: true (and the row locked) only if the user exists and is enabled. */
  guardEnabled(id: string): Promise<boolean>;
}

export interface ApplicationQuery extends Page {
  ownerId: string;
  name?: string;
}

export interface ApplicationRepo {
  create(app: Application): Promise<void>;
  findById(id: string): Promise<Application | null>;
  list(query: ApplicationQuery): Promise<Paged<Application>>;
  listAll(): Promise<Application[]>;
  update(id: string, patch: Partial<Omit<Application, 'id' | 'ownerId' | 'createdAt'>>): Promise<Application | null>;
  delete(id: string): Promise<boolean>;
}

/** What client authentication needs, read in one query. */
export interface ClientCredentials {
  client: OAuthClient;
  /** The application's token type (JWT for clients without an application). */
  tokenType: TokenType;
  secrets: ClientSecret[];
  /** False when the client's owner is disabled: its clients stop authenticating. */
  ownerActive: boolean;
}

export interface ClientRepo {
  create(client: OAuthClient): Promise<void>;
  findForAuthentication(consumerKey: string): Promise<ClientCredentials | null>;
  findByConsumerKey(consumerKey: string): Promise<OAuthClient | null>;
  findByKeyMappingId(keyMappingId: string): Promise<OAuthClient | null>;
  listByApplication(applicationId: string): Promise<OAuthClient[]>;
  listApplicationClients(): Promise<OAuthClient[]>;
  update(
    consumerKey: string,
    patch: Partial<
      Pick<
        OAuthClient,
        'grantTypes' | 'callbackUrl' | 'appTokenTtlSeconds' | 'userTokenTtlSeconds' | 'refreshTokenTtlSeconds' | 'pkceMandatory' | 'updatedAt'
      >
    >,
  ): Promise<OAuthClient | null>;
  delete(consumerKey: string): Promise<boolean>;
  /**
   * Inside a transaction: true (and the row locked) only if the client still exists unchanged since
   * `updatedAt`. Token issuance uses it so a revocation (secret regenerated, keys deleted, owner
   * disabled) can never be overtaken by a token authenticated just before it.
   */
  guardUnchanged(consumerKey: string, updatedAt: number): Promise<boolean>;
  /** Moves `updatedAt` strictly forward (to `now`, or by 1 ms if it is already there), so guards notice. */
  touch(consumerKey: string, now: number): Promise<void>;
  addSecret(secret: ClientSecret): Promise<void>;
  listSecrets(consumerKey: string): Promise<ClientSecret[]>;
  deleteSecret(consumerKey: string, secretId: string): Promise<boolean>;
  /** Removes every secret of the client; returns how many. */
  deleteSecrets(consumerKey: string): Promise<number>;
}

export interface ApiRepo {
  create(api: Api): Promise<void>;
  findById(id: string): Promise<Api | null>;
  list(page: Page & { publishedOnly?: boolean }): Promise<Paged<Api>>;
  listAll(): Promise<Api[]>;
  /** Writes the API only if it is still at `expectedUpdatedAt` (optimistic concurrency); false otherwise. */
  update(id: string, api: Api, expectedUpdatedAt: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface SubscriptionRepo {
  create(subscription: Subscription): Promise<void>;
  findById(id: string): Promise<Subscription | null>;
  list(query: Page & { applicationId?: string; apiId?: string }): Promise<Paged<Subscription>>;
  listByApplication(applicationId: string): Promise<Subscription[]>;
  listAll(): Promise<Subscription[]>;
  update(id: string, patch: Partial<Pick<Subscription, 'throttlingPolicy' | 'status' | 'updatedAt'>>): Promise<Subscription | null>;
  delete(id: string): Promise<boolean>;
}

export interface PolicyRepo {
  create(policy: ThrottlePolicy): Promise<void>;
  findById(id: string): Promise<ThrottlePolicy | null>;
  findByName(level: PolicyLevel, name: string): Promise<ThrottlePolicy | null>;
  list(level: PolicyLevel): Promise<ThrottlePolicy[]>;
  listAll(): Promise<ThrottlePolicy[]>;
  update(id: string, policy: ThrottlePolicy): Promise<void>;
  delete(id: string): Promise<boolean>;
}

export interface SigningKeyRepo {
  create(key: SigningKey): Promise<void>;
  list(purpose: KeyPurpose): Promise<SigningKey[]>;
  /** Marks the purpose's active key retired (at most one is active per purpose: a unique index guards it). */
  retireActive(purpose: KeyPurpose, at: number): Promise<void>;
  delete(kid: string): Promise<boolean>;
}

/** Which access tokens a revocation covers; exactly one selector. */
export type TokenSelector = { jti: string } | { grantId: string } | { consumerKey: string } | { userId: string };

/**
 * Bounds on one housekeeping call: rows per DELETE statement (each its own short transaction) and
 * statements per rule. What is left over waits for the next call.
 */
export interface PurgeLimits {
  /** Default 5,000. */
  batchSize?: number;
  /** Default 20. */
  maxBatches?: number;
}

export interface TokenPurgeOptions extends PurgeLimits {
  /** How long revoked opaque tokens stay for introspection and audit; default 1 hour. */
  revokedGraceMs?: number;
}

export interface TokenRepo {
  insertAccessToken(token: AccessTokenRecord): Promise<void>;
  findAccessTokenByHash(hash: string): Promise<AccessTokenRecord | null>;
  findAccessTokenByJti(jti: string): Promise<AccessTokenRecord | null>;
  /** Revokes the selected live tokens and returns what was revoked (for the gateway deny-lists). */
  revokeAccessTokens(selector: TokenSelector, now: number): Promise<RevokedToken[]>;
  /** Latest expiry of live tokens signed with `kid` (null inside = a never-expiring one). */
  liveTokenExpiriesForKid(kid: string, now: number): Promise<{ count: number; neverExpires: boolean; maxExpiresAt: number | null }>;

  insertRefreshToken(token: RefreshTokenRecord): Promise<void>;
  findRefreshTokenByHash(hash: string): Promise<RefreshTokenRecord | null>;
  /** Marks a refresh token used, only if it is live and unused; returns it, or null if that failed. */
  consumeRefreshToken(hash: string, now: number): Promise<RefreshTokenRecord | null>;
  revokeRefreshTokens(selector: Exclude<TokenSelector, { jti: string }> | { hash: string }, now: number): Promise<number>;

  insertAuthorizationCode(code: AuthorizationCodeRecord): Promise<void>;
  findAuthorizationCode(hash: string): Promise<AuthorizationCodeRecord | null>;
  /** Marks a code used, only if it is unused; returns it, or null if it was already used. */
  consumeAuthorizationCode(hash: string, now: number): Promise<AuthorizationCodeRecord | null>;

  /** Housekeeping: deletes rows that can never matter again (the rules are on the implementation); returns how many. */
  purgeExpired(now: number, options?: TokenPurgeOptions): Promise<number>;
}

export interface ApiKeyRepo {
  create(key: ApiKeyRecord): Promise<void>;
  findById(id: string): Promise<ApiKeyRecord | null>;
  findByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** Live keys, plus those revoked at or after `revokedSince` when given (so owners see what stopped working). */
  listByApplication(applicationId: string, keyType: KeyType, options?: { revokedSince?: number }): Promise<ApiKeyRecord[]>;
  /** Revokes one key if not revoked yet; returns it, or null. */
  revoke(id: string, now: number): Promise<ApiKeyRecord | null>;
  revokeByApplication(applicationId: string, now: number): Promise<ApiKeyRecord[]>;
  /** Live keys bound to one API (WSO2 per-API keys), oldest first. */
  listByApi(apiId: string): Promise<ApiKeyRecord[]>;
  /** Live keys made for an API by one user and not associated with an application yet, oldest first. */
  listUnassociated(ownerId: string): Promise<ApiKeyRecord[]>;
  /** Changes which application and API a live key is bound to; null when it is not live. */
  rebind(id: string, binding: { applicationId: string; apiId: string | null }): Promise<ApiKeyRecord | null>;
  touchLastUsed(uses: ReadonlyMap<string, number>): Promise<void>;
}

export interface SessionRepo {
  create(session: Session): Promise<void>;
  find(idHash: string): Promise<Session | null>;
  delete(idHash: string): Promise<void>;
  deleteByUser(userId: string): Promise<void>;
}

/**
 * Where a reader of the event log stands: every event with id ≤ lowWater is visible to it, and so are
 * the `visible` ids above it. Ids above lowWater that are not listed belong to transactions still in
 * flight (PostgreSQL allocates ids before commit) and must be read later.
 */
export interface EventMark {
  lowWater: number;
  visible: number[];
}

export interface EventPurgeOptions extends PurgeLimits {
  now: number;
  /** The hard cap: older events go whatever the consumers say (readers further behind must restart). */
  maxAgeMs: number;
  /** Younger events always stay, whatever the consumers say. */
  minAgeMs: number;
  /** Consumers not seen for this long are ignored (and forgotten): they must restart from a snapshot. */
  consumerStaleMs: number;
}

export interface EventLog {
  append(event: ChangeEvent, at: number): Promise<StoredEvent>;
  /** The mark of what this reader (or transaction) sees now. */
  mark(): Promise<EventMark>;
  /** Records that consumer `id` has read every event with id ≤ `cursor`, as of `now` (an upsert). */
  recordConsumer(id: string, cursor: number, now: number): Promise<void>;
  /**
   * Deletes events older than `maxAgeMs`, and events older than `minAgeMs` that every live consumer
   * has read; forgets consumers not seen for `consumerStaleMs`. Returns how many events went.
   */
  purge(options: EventPurgeOptions): Promise<number>;
  /** Events with id > `afterId`, oldest first. */
  since(afterId: number, limit: number): Promise<StoredEvent[]>;
  latestId(): Promise<number>;
}

/** A credential reported or found public (issue 16): never the credential, only what identifies it. */
export interface LeakRecord {
  id: string;
  /** Credential kind (CredentialKind). */
  credentialType: string;
  /** A non-secret identifier: API key id, consumer key, token jti, refresh token id… */
  credentialId: string;
  /** The displayable start of the credential ("gak_prod_4fQz"), when known. */
  credentialStart: string | null;
  applicationId: string | null;
  ownerId: string | null;
  /** Where it was found (a URL from the report, or what the scanner said). */
  url: string | null;
  /** Who reported it: `github`, `scan`, … */
  source: string;
  reportedAt: number;
  /** `revoked` or `flagged` (GATEHOUSE_LEAK_ACTION). */
  action: string;
  revokedAt: number | null;
}

export interface LeakRepo {
  /** The client secret with this stored hash (secrets are otherwise read per client). */
  findClientSecretByHash(hash: string): Promise<ClientSecret | null>;
  /** Remembers a report by its digest; false when it was seen before (replay), atomically. */
  rememberReport(digest: string, now: number): Promise<boolean>;
  /** Forgets report digests older than `before`; returns how many. */
  forgetReports(before: number): Promise<number>;
  record(leak: LeakRecord): Promise<void>;
  listByApplication(applicationId: string): Promise<LeakRecord[]>;
}

/** One security event (issue 16 §4): who did what to which credential, from where, when. */
export interface AuditEvent {
  id: string;
  at: number;
  /** `credential.created`, `credential.regenerated`, `credential.revoked`, `credential.leaked`. */
  type: string;
  /** A user id, `system`, or a reporter such as `github`. */
  actor: string;
  sourceIp: string | null;
  credentialType: string;
  /** Non-secret: key id, consumer key, token jti or prefix. */
  credentialId: string;
  applicationId: string | null;
  ownerId: string | null;
  detail: Record<string, string>;
}

export interface AuditQuery extends Page {
  /** Only events of this owner's applications (and credentials). */
  ownerId?: string;
  applicationId?: string;
}

export interface AuditRepo {
  append(events: readonly AuditEvent[]): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<Paged<AuditEvent>>;
}

/** An outbound webhook: global (applicationId null, admins) or for one application (its owner). */
export interface Webhook {
  id: string;
  applicationId: string | null;
  ownerId: string;
  url: string;
  /** The signing secret, encrypted at rest with the system secrets (SecretBox). */
  secretEnc: string;
  events: string[];
  createdAt: number;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventType: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface WebhookRepo {
  create(webhook: Webhook): Promise<void>;
  findById(id: string): Promise<Webhook | null>;
  delete(id: string): Promise<boolean>;
  /** Global webhooks (applicationId null) and those of the application, subscribed to `eventType`. */
  listFor(applicationId: string | null, eventType: string): Promise<Webhook[]>;
  listByOwner(ownerId: string): Promise<Webhook[]>;
  listGlobal(): Promise<Webhook[]>;
  enqueue(delivery: WebhookDelivery): Promise<void>;
  /** Pending deliveries due at `now`, oldest first. */
  due(now: number, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Takes a due delivery for one attempt: only if it is still pending at `attempts` and due, it moves
   * to `attempts + 1` and is hidden until `leaseUntil`. One guarded update, so of several processes
   * that saw it due, exactly one sends it. True if this caller won.
   */
  claim(id: string, attempts: number, now: number, leaseUntil: number): Promise<boolean>;
  updateDelivery(id: string, patch: Partial<Pick<WebhookDelivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'deliveredAt'>>): Promise<void>;
  listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]>;
}

/** Facts about the store itself, each written once (e.g. how its credentials are hashed). */
export interface SettingsRepo {
  get(name: string): Promise<string | null>;
  /** Writes the value unless one is already there; returns the value that stays. */
  setOnce(name: string, value: string): Promise<string>;
}

export interface Repositories {
  settings: SettingsRepo;
  users: UserRepo;
  applications: ApplicationRepo;
  clients: ClientRepo;
  apis: ApiRepo;
  subscriptions: SubscriptionRepo;
  policies: PolicyRepo;
  signingKeys: SigningKeyRepo;
  tokens: TokenRepo;
  apiKeys: ApiKeyRepo;
  sessions: SessionRepo;
  events: EventLog;
  leaks: LeakRepo;
  audit: AuditRepo;
  webhooks: WebhookRepo;
  usage: UsageRepo;
}

export interface Store extends Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction: all of its writes land, or none. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Runs reads in one consistent snapshot (REPEATABLE READ on PostgreSQL), e.g. a mark and the data it covers. */
  readSnapshot<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Applies pending schema migrations; returns the names applied. */
  migrate(): Promise<{ applied: string[] }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Request counts of the gateway (issue 15 §5): per minute and per hour, merged across gateways by adding. */
export type UsageGranularity = 'minute' | 'hour';

export interface UsageCount {
  granularity: UsageGranularity;
  /** Start of the minute or hour, epoch ms. */
  bucket: number;
  applicationId: string;
  keyType: string;
  /** The consumer key of a token, or the API key id. */
  credentialId: string;
  apiId: string;
  /** '2xx' … '5xx'. */
  statusClass: string;
  requests: number;
  throttled: number;
  latencySumMs: number;
  /** Counts per latency bucket (LATENCY_BOUNDS_MS, then everything slower). */
  latency: readonly number[];
}

export interface UsageFilter {
  applicationIds?: readonly string[];
  credentialId?: string;
  apiId?: string;
}

/** One group of a summary: `key` is the bucket (as a string) or the grouped id. */
export interface UsageTotals {
  key: string;
  requests: number;
  errors: number;
  throttled: number;
  latencySumMs: number;
  latency: number[];
  /** The latest bucket with requests in this group. */
  lastBucket: number;
}

export interface UsageRepo {
  /** Adds counts to their rows, creating them as needed: one statement, safe from many gateways at once. */
  add(counts: readonly UsageCount[]): Promise<void>;
  summarize(query: { granularity: UsageGranularity; from: number; to: number; filter: UsageFilter; by: 'bucket' | 'application' | 'credential' | 'api' }): Promise<UsageTotals[]>;
  /** Deletes rows of `granularity` older than `before`; returns how many. */
  prune(granularity: UsageGranularity, before: number): Promise<number>;
}

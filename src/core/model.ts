/** Domain types shared by every layer. Times are epoch milliseconds; `null` expiry means "never expires". */

export const ROLES = ['admin', 'publisher', 'subscriber'] as const;
export type Role = (typeof ROLES)[number];

export const KEY_TYPES = ['PRODUCTION', 'SANDBOX'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const TOKEN_TYPES = ['JWT', 'OAUTH'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export const GRANT_TYPES = ['client_credentials', 'password', 'refresh_token', 'authorization_code'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export interface User {
  id: string;
  username: string;
  passwordHash: string;
  roles: Role[];
  disabled: boolean;
  createdAt: number;
}

export interface Application {
  id: string;
  name: string;
  ownerId: string;
  throttlingPolicy: string;
  description: string;
  tokenType: TokenType;
  attributes: Record<string, string>;
  status: 'APPROVED';
  createdAt: number;
  updatedAt: number;
}

/**
 * An OAuth2 client. `kind: 'application'` clients are an application's PRODUCTION or SANDBOX keys
 * (a WSO2 "key mapping"); `kind: 'rest'` clients are registered through the client-registration
 * endpoint by scripts that call the REST APIs.
 */
export interface OAuthClient {
  consumerKey: string;
  kind: 'application' | 'rest';
  keyMappingId: string | null;
  applicationId: string | null;
  keyType: KeyType | null;
  ownerId: string;
  name: string;
  grantTypes: GrantType[];
  callbackUrl: string | null;
  /** Negative = tokens never expire. */
  appTokenTtlSeconds: number;
  userTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  pkceMandatory: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ClientSecret {
  id: string;
  consumerKey: string;
  hash: string;
  start: string;
  description: string;
  createdAt: number;
  expiresAt: number | null;
}

export const LIFECYCLE_STATES = ['CREATED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED', 'RETIRED'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATES)[number];

export const HTTP_VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpVerb = (typeof HTTP_VERBS)[number];

export const AUTH_TYPES = ['Application & Application User', 'Application', 'Application User', 'None'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export interface Operation {
  target: string;
  verb: HttpVerb;
  authType: AuthType;
  throttlingPolicy: string;
  scopes: string[];
}

export interface ScopeDefinition {
  name: string;
  displayName: string;
  description: string;
  /** Roles allowed to obtain the scope in user tokens; empty = any role. */
  bindings: string[];
}

export interface Api {
  id: string;
  name: string;
  context: string;
  version: string;
  description: string;
  providerId: string;
  lifeCycleStatus: LifecycleStatus;
  productionUrl: string | null;
  sandboxUrl: string | null;
  operations: Operation[];
  scopes: ScopeDefinition[];
  /** Subscription tiers offered. */
  policies: string[];
  securityScheme: string[];
  apiThrottlingPolicy: string | null;
  backendJwt: boolean;
  createdAt: number;
  updatedAt: number;
}

export const SUBSCRIPTION_STATES = ['UNBLOCKED', 'BLOCKED', 'PROD_ONLY_BLOCKED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATES)[number];

export interface Subscription {
  id: string;
  applicationId: string;
  apiId: string;
  throttlingPolicy: string;
  status: SubscriptionStatus;
  createdAt: number;
  updatedAt: number;
}

export const POLICY_LEVELS = ['application', 'subscription', 'api'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

export const TIME_UNITS = ['sec', 'min', 'hour', 'day'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export interface ThrottlePolicy {
  id: string;
  level: PolicyLevel;
  name: string;
  displayName: string;
  description: string;
  /** null = unlimited. */
  requestCount: number | null;
  unitTime: number;
  timeUnit: TimeUnit;
  stopOnQuotaReach: boolean;
  createdAt: number;
  updatedAt: number;
}

export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** Access tokens are signed by the Key Manager; backend JWTs (X-JWT-Assertion) by the gateway. */
export type KeyPurpose = 'access-token' | 'backend-jwt';

export interface SigningKey {
  kid: string;
  purpose: KeyPurpose;
  alg: SigningAlgorithm;
  publicJwk: Record<string, unknown>;
  /** AES-256-GCM envelope of the private key (PKCS#8 PEM) under the system secret. */
  privateKeyEnc: string;
  status: 'active' | 'retired';
  createdAt: number;
  retiredAt: number | null;
}

export type TokenFormat = 'JWT' | 'OPAQUE';
export type AuthorizedUserType = 'APPLICATION' | 'APPLICATION_USER';

export interface AccessTokenRecord {
  jti: string;
  /** Hash of an opaque token; null for JWTs, which are found by `jti`. */
  hash: string | null;
  format: TokenFormat;
  consumerKey: string;
  applicationId: string | null;
  keyType: KeyType | null;
  userId: string | null;
  aut: AuthorizedUserType;
  scopes: string[];
  grantId: string;
  kid: string | null;
  issuedAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface RefreshTokenRecord {
  id: string;
  hash: string;
  consumerKey: string;
  grantId: string;
  userId: string | null;
  scopes: string[];
  issuedAt: number;
  expiresAt: number | null;
  consumedAt: number | null;
  revokedAt: number | null;
}

export interface AuthorizationCodeRecord {
  hash: string;
  consumerKey: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  grantId: string;
  issuedAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

export interface ApiKeyRecord {
  id: string;
  applicationId: string;
  keyType: KeyType;
  name: string;
  hash: string;
  start: string;
  permittedIps: string[];
  permittedReferers: string[];
  issuedAt: number;
  /** Seconds as requested; -1 = never expires. */
  validityPeriod: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /**
   * WSO2's per-API key model (migration 0006). `origin` 'application': made for an application, valid
   * for every API it subscribes to, or only `apiId` once associated with one. 'api': made for one API
   * (`apiId`) by `ownerId`, valid only once associated with an application (`applicationId` '' until
   * then) that subscribes to it. Absent = 'application', no API.
   */
  origin?: ApiKeyOrigin;
  apiId?: string | null;
  ownerId?: string | null;
}

export type ApiKeyOrigin = 'application' | 'api';

/** `applicationId` of an API key made for an API and not associated with any application yet. */
export const UNASSOCIATED = '';

export interface Session {
  idHash: string;
  userId: string;
  /** The hash of the session's CSRF token (SessionService); sessions from before hashing hold the token itself. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** Whether something with an optional expiry is still within it. */
export const isLive = (expiresAt: number | null, now: number): boolean => expiresAt === null || expiresAt > now;

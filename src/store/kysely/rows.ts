import type { Selectable } from 'kysely';
import type {
  AccessTokenRecord,
  Api,
  ApiKeyRecord,
  Application,
  AuthorizationCodeRecord,
  ClientSecret,
  KeyType,
  OAuthClient,
  RefreshTokenRecord,
  SigningKey,
  Subscription,
  ThrottlePolicy,
  User,
} from '../../core/model.ts';
import type { Database } from './schema.ts';

/** Row ↔ domain mapping, kept in one place so every backend stores the same shapes. */

type Row<T extends keyof Database> = Selectable<Database[T]>;

export const json = <T>(text: string): T => JSON.parse(text) as T;
export const flag = (value: boolean): number => (value ? 1 : 0);
export const joinScopes = (scopes: readonly string[]): string => scopes.join(' ');
export const splitScopes = (text: string): string[] => (text === '' ? [] : text.split(' '));

export const userFromRow = (r: Row<'users'>): User => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  roles: json(r.roles),
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

export const applicationFromRow = (r: Row<'applications'>): Application => ({
  id: r.id,
  name: r.name,
  ownerId: r.owner_id,
  throttlingPolicy: r.throttling_policy,
  description: r.description,
  tokenType: r.token_type as Application['tokenType'],
  attributes: json(r.attributes),
  status: 'APPROVED',
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const applicationToRow = (a: Application): Row<'applications'> => ({
  id: a.id,
  name: a.name,
  owner_id: a.ownerId,
  throttling_policy: a.throttlingPolicy,
  description: a.description,
  token_type: a.tokenType,
  attributes: JSON.stringify(a.attributes),
  status: a.status,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});

export const clientFromRow = (r: Row<'clients'>): OAuthClient => ({
  consumerKey: r.consumer_key,
  kind: r.kind as OAuthClient['kind'],
  keyMappingId: r.key_mapping_id,
  applicationId: r.application_id,
  keyType: r.key_type as KeyType | null,
  ownerId: r.owner_id,
  name: r.name,
  grantTypes: json(r.grant_types),
  callbackUrl: r.callback_url,
  appTokenTtlSeconds: r.app_token_ttl,
  userTokenTtlSeconds: r.user_token_ttl,
  refreshTokenTtlSeconds: r.refresh_token_ttl,
  pkceMandatory: r.pkce_mandatory === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const clientToRow = (c: OAuthClient): Row<'clients'> => ({
  consumer_key: c.consumerKey,
  kind: c.kind,
  key_mapping_id: c.keyMappingId,
  application_id: c.applicationId,
  key_type: c.keyType,
  owner_id: c.ownerId,
  name: c.name,
  grant_types: JSON.stringify(c.grantTypes),
  callback_url: c.callbackUrl,
  app_token_ttl: c.appTokenTtlSeconds,
  user_token_ttl: c.userTokenTtlSeconds,
  refresh_token_ttl: c.refreshTokenTtlSeconds,
  pkce_mandatory: flag(c.pkceMandatory),
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export const secretFromRow = (r: Row<'client_secrets'>): ClientSecret => ({
  id: r.id,
  consumerKey: r.consumer_key,
  hash: r.hash,
  start: r.start,
  description: r.description,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export const apiFromRow = (r: Row<'apis'>): Api => ({
  id: r.id,
  name: r.name,
  context: r.context,
  version: r.version,
  description: r.description,
  providerId: r.provider_id,
  lifeCycleStatus: r.lifecycle_status as Api['lifeCycleStatus'],
  productionUrl: r.production_url,
  sandboxUrl: r.sandbox_url,
  operations: json(r.operations),
  scopes: json(r.scopes),
  policies: json(r.policies),
  securityScheme: json(r.security_scheme),
  apiThrottlingPolicy: r.api_throttling_policy,
  backendJwt: r.backend_jwt === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const apiToRow = (a: Api): Row<'apis'> => ({
  id: a.id,
  name: a.name,
  context: a.context,
  version: a.version,
  description: a.description,
  provider_id: a.providerId,
  lifecycle_status: a.lifeCycleStatus,
  production_url: a.productionUrl,
  sandbox_url: a.sandboxUrl,
  operations: JSON.stringify(a.operations),
  scopes: JSON.stringify(a.scopes),
  policies: JSON.stringify(a.policies),
  security_scheme: JSON.stringify(a.securityScheme),
  api_throttling_policy: a.apiThrottlingPolicy,
  backend_jwt: flag(a.backendJwt),
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});

export const subscriptionFromRow = (r: Row<'subscriptions'>): Subscription => ({
  id: r.id,
  applicationId: r.application_id,
  apiId: r.api_id,
  throttlingPolicy: r.throttling_policy,
  status: r.status as Subscription['status'],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const policyFromRow = (r: Row<'throttle_policies'>): ThrottlePolicy => ({
  id: r.id,
  level: r.level as ThrottlePolicy['level'],
  name: r.name,
  displayName: r.display_name,
  description: r.description,
  requestCount: r.request_count,
  unitTime: r.unit_time,
  timeUnit: r.time_unit as ThrottlePolicy['timeUnit'],
  stopOnQuotaReach: r.stop_on_quota_reach === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const policyToRow = (p: ThrottlePolicy): Row<'throttle_policies'> => ({
  id: p.id,
  level: p.level,
  name: p.name,
  display_name: p.displayName,
  description: p.description,
  request_count: p.requestCount,
  unit_time: p.unitTime,
  time_unit: p.timeUnit,
  stop_on_quota_reach: flag(p.stopOnQuotaReach),
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export const signingKeyFromRow = (r: Row<'signing_keys'>): SigningKey => ({
  kid: r.kid,
  purpose: r.purpose as SigningKey['purpose'],
  alg: r.alg as SigningKey['alg'],
  publicJwk: json(r.public_jwk),
  privateKeyEnc: r.private_key_enc,
  status: r.status as SigningKey['status'],
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

export const accessTokenFromRow = (r: Row<'access_tokens'>): AccessTokenRecord => ({
  jti: r.jti,
  hash: r.hash,
  format: r.format as AccessTokenRecord['format'],
  consumerKey: r.consumer_key,
  applicationId: r.application_id,
  keyType: r.key_type as KeyType | null,
  userId: r.user_id,
  aut: r.aut as AccessTokenRecord['aut'],
  scopes: splitScopes(r.scopes),
  grantId: r.grant_id,
  kid: r.kid,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export const accessTokenToRow = (t: AccessTokenRecord): Row<'access_tokens'> => ({
  jti: t.jti,
  hash: t.hash,
  format: t.format,
  consumer_key: t.consumerKey,
  application_id: t.applicationId,
  key_type: t.keyType,
  user_id: t.userId,
  aut: t.aut,
  scopes: joinScopes(t.scopes),
  grant_id: t.grantId,
  kid: t.kid,
  issued_at: t.issuedAt,
  expires_at: t.expiresAt,
  revoked_at: t.revokedAt,
});

export const refreshTokenFromRow = (r: Row<'refresh_tokens'>): RefreshTokenRecord => ({
  id: r.id,
  hash: r.hash,
  consumerKey: r.consumer_key,
  grantId: r.grant_id,
  userId: r.user_id,
  scopes: splitScopes(r.scopes),
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  consumedAt: r.consumed_at,
  revokedAt: r.revoked_at,
});

export const refreshTokenToRow = (t: RefreshTokenRecord): Row<'refresh_tokens'> => ({
  id: t.id,
  hash: t.hash,
  consumer_key: t.consumerKey,
  grant_id: t.grantId,
  user_id: t.userId,
  scopes: joinScopes(t.scopes),
  issued_at: t.issuedAt,
  expires_at: t.expiresAt,
  consumed_at: t.consumedAt,
  revoked_at: t.revokedAt,
});

export const codeFromRow = (r: Row<'authorization_codes'>): AuthorizationCodeRecord => ({
  hash: r.hash,
  consumerKey: r.consumer_key,
  userId: r.user_id,
  redirectUri: r.redirect_uri,
  scopes: splitScopes(r.scopes),
  codeChallenge: r.code_challenge,
  grantId: r.grant_id,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  consumedAt: r.consumed_at,
});

export const apiKeyFromRow = (r: Row<'api_keys'>): ApiKeyRecord => ({
  id: r.id,
  applicationId: r.application_id,
  keyType: r.key_type as KeyType,
  name: r.name,
  hash: r.hash,
  start: r.start,
  permittedIps: json(r.permitted_ips),
  permittedReferers: json(r.permitted_referers),
  issuedAt: r.issued_at,
  validityPeriod: r.validity_period,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  origin: r.origin === 'api' ? 'api' : 'application',
  apiId: r.api_id,
  ownerId: r.owner_id,
});

export const apiKeyToRow = (k: ApiKeyRecord): Row<'api_keys'> => ({
  id: k.id,
  application_id: k.applicationId,
  key_type: k.keyType,
  name: k.name,
  hash: k.hash,
  start: k.start,
  permitted_ips: JSON.stringify(k.permittedIps),
  permitted_referers: JSON.stringify(k.permittedReferers),
  issued_at: k.issuedAt,
  validity_period: k.validityPeriod,
  expires_at: k.expiresAt,
  last_used_at: k.lastUsedAt,
  revoked_at: k.revokedAt,
  origin: k.origin ?? 'application',
  api_id: k.apiId ?? null,
  owner_id: k.ownerId ?? null,
});

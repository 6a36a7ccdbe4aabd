import { randomUUID } from 'node:crypto';
import type {
  AccessTokenRecord,
  Api,
  ApiKeyRecord,
  Application,
  OAuthClient,
  RefreshTokenRecord,
  ThrottlePolicy,
  User,
} from '../../src/core/model.ts';

/** Builders for domain records with sensible defaults; tests override what they check. */

export const T0 = 1_800_000_000_000;

export const aUser = (o: Partial<User> = {}): User => ({
  id: randomUUID(),
  username: `user-${randomUUID().slice(0, 8)}`,
  passwordHash: '$argon2id$placeholder',
  roles: ['subscriber'],
  disabled: false,
  createdAt: T0,
  ...o,
});

export const anApplication = (ownerId: string, o: Partial<Application> = {}): Application => ({
  id: randomUUID(),
  name: `app-${randomUUID().slice(0, 8)}`,
  ownerId,
  throttlingPolicy: 'Unlimited',
  description: '',
  tokenType: 'JWT',
  attributes: {},
  status: 'APPROVED',
  createdAt: T0,
  updatedAt: T0,
  ...o,
});

export const aClient = (ownerId: string, o: Partial<OAuthClient> = {}): OAuthClient => ({
  consumerKey: randomUUID().replaceAll('-', '').slice(0, 28),
  kind: 'application',
  keyMappingId: randomUUID(),
  applicationId: null,
  keyType: 'PRODUCTION',
  ownerId,
  name: 'client',
  grantTypes: ['client_credentials', 'refresh_token'],
  callbackUrl: null,
  appTokenTtlSeconds: 3600,
  userTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 86400,
  pkceMandatory: false,
  createdAt: T0,
  updatedAt: T0,
  ...o,
});

export const anApi = (providerId: string, o: Partial<Api> = {}): Api => ({
  id: randomUUID(),
  name: 'PizzaShack',
  context: `/pizza-${randomUUID().slice(0, 6)}`,
  version: '1.0.0',
  description: '',
  providerId,
  lifeCycleStatus: 'CREATED',
  productionUrl: 'http://127.0.0.1:1/prod',
  sandboxUrl: null,
  operations: [{ target: '/menu', verb: 'GET', authType: 'Application & Application User', throttlingPolicy: 'Unlimited', scopes: [] }],
  scopes: [],
  policies: ['Unlimited'],
  securityScheme: ['oauth2'],
  apiThrottlingPolicy: null,
  backendJwt: false,
  createdAt: T0,
  updatedAt: T0,
  ...o,
});

export const aPolicy = (o: Partial<ThrottlePolicy> = {}): ThrottlePolicy => ({
  id: randomUUID(),
  level: 'application',
  name: `policy-${randomUUID().slice(0, 6)}`,
  displayName: 'Policy',
  description: '',
  requestCount: 10,
  unitTime: 1,
  timeUnit: 'min',
  stopOnQuotaReach: true,
  createdAt: T0,
  updatedAt: T0,
  ...o,
});

export const anAccessToken = (o: Partial<AccessTokenRecord> = {}): AccessTokenRecord => ({
  jti: randomUUID(),
  hash: null,
  format: 'JWT',
  consumerKey: 'ck',
  applicationId: null,
  keyType: 'PRODUCTION',
  userId: null,
  aut: 'APPLICATION',
  scopes: ['default'],
  grantId: randomUUID(),
  kid: 'kid-1',
  issuedAt: T0,
  expiresAt: T0 + 3_600_000,
  revokedAt: null,
  ...o,
});

export const aRefreshToken = (o: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  id: randomUUID(),
  hash: randomUUID(),
  consumerKey: 'ck',
  grantId: randomUUID(),
  userId: null,
  scopes: ['default'],
  issuedAt: T0,
  expiresAt: T0 + 86_400_000,
  consumedAt: null,
  revokedAt: null,
  ...o,
});

export const anApiKey = (applicationId: string, o: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: randomUUID(),
  applicationId,
  keyType: 'PRODUCTION',
  name: 'key',
  hash: randomUUID(),
  start: 'gak_prod_abcd',
  permittedIps: [],
  permittedReferers: [],
  issuedAt: T0,
  validityPeriod: -1,
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  origin: 'application',
  apiId: null,
  ownerId: null,
  ...o,
});

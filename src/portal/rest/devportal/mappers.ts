import type { z } from 'zod';
import { seconds } from '../../../core/clock.ts';
import type { Api, ApiKeyRecord, Application, ClientSecret, OAuthClient, ScopeDefinition, Subscription, ThrottlePolicy } from '../../../core/model.ts';
import { windowMs } from '../../../core/policy-service.ts';
import type { IssuedTokens } from '../../../core/token-service.ts';
import { msString } from '../common-schemas.ts';
import type {
  ApplicationInfoSchema,
  ApplicationKeySchema,
  ApplicationTokenSchema,
  ConsumerSecretSchema,
  ScopeInfoSchema,
} from './application-schemas.ts';
import type { ApiInfoSchema, ApiKeyInfoSchema, ApiSchema, SubscriptionSchema, ThrottlingPolicySchema } from './catalog-schemas.ts';

/** Pure domain → WSO2 devportal v3 shapes. Secrets appear only where a caller passes a freshly minted value (P07). */

export const RESIDENT_KEY_MANAGER = 'Resident Key Manager';
/** WSO2 represents an unlimited tier by Integer.MAX_VALUE requests. */
export const UNLIMITED_REQUESTS = 2_147_483_647;

type Out<S extends z.ZodType> = z.input<S>;

export function applicationInfo(app: Application, owner: string, subscriptionCount: number): Out<typeof ApplicationInfoSchema> {
  return {
    applicationId: app.id,
    name: app.name,
    throttlingPolicy: app.throttlingPolicy,
    description: app.description,
    status: app.status,
    groups: [],
    subscriptionCount,
    attributes: app.attributes,
    owner,
    tokenType: app.tokenType,
    createdTime: msString(app.createdAt),
    updatedTime: msString(app.updatedAt),
  };
}

export function applicationToken(issued: IssuedTokens | null): Out<typeof ApplicationTokenSchema> {
  if (!issued) return { accessToken: '', tokenScopes: ['N/A'], validityTime: 0 };
  return { accessToken: issued.accessToken, tokenScopes: issued.scopes, validityTime: issued.expiresIn ?? -1 };
}

export function applicationKey(client: OAuthClient, fresh: { secret?: string; token?: IssuedTokens | null } = {}): Out<typeof ApplicationKeySchema> {
  return {
    keyMappingId: client.keyMappingId ?? '',
    keyManager: RESIDENT_KEY_MANAGER,
    consumerKey: client.consumerKey,
    ...(fresh.secret !== undefined && { consumerSecret: fresh.secret }),
    supportedGrantTypes: client.grantTypes,
    ...(client.callbackUrl !== null && { callbackUrl: client.callbackUrl }),
    keyState: 'COMPLETED',
    keyType: client.keyType ?? 'PRODUCTION',
    mode: 'CREATED',
    ...(fresh.token !== undefined && { token: applicationToken(fresh.token) }),
    additionalProperties: {
      application_access_token_expiry_time: client.appTokenTtlSeconds,
      user_access_token_expiry_time: client.userTokenTtlSeconds,
      refresh_token_expiry_time: client.refreshTokenTtlSeconds,
      pkceMandatory: client.pkceMandatory,
      pkceSupportPlain: false,
      bypassClientCredentials: false,
    },
  };
}

/** A consumer secret: the value only when just created, otherwise its non-secret start and a mask. */
export function consumerSecret(secret: ClientSecret, value: string | null): Out<typeof ConsumerSecretSchema> {
  return {
    secretId: secret.id,
    secretValue: value ?? `${secret.start}${'*'.repeat(8)}`,
    additionalProperties: {
      description: secret.description,
      expiresAt: secret.expiresAt === null ? null : seconds(secret.expiresAt),
      createdAt: seconds(secret.createdAt),
    },
  };
}

export const scopeInfo = (scope: ScopeDefinition): Out<typeof ScopeInfoSchema> => ({
  key: scope.name,
  name: scope.displayName,
  roles: scope.bindings,
  description: scope.description,
});

export function apiInfo(api: Api, provider: string): Out<typeof ApiInfoSchema> {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    context: api.context,
    version: api.version,
    type: 'HTTP',
    provider,
    lifeCycleStatus: api.lifeCycleStatus,
    throttlingPolicies: api.policies,
    securityScheme: api.securityScheme,
    createdTime: msString(api.createdAt),
    lastUpdatedTime: msString(api.updatedAt),
  };
}

export function apiDetails(api: Api, provider: string, gatewayUrl: string): Out<typeof ApiSchema> {
  const url = gatewayUrl ? `${gatewayUrl}${api.context}/${api.version}` : '';
  return {
    ...apiInfo(api, provider),
    transport: ['http', 'https'],
    operations: api.operations.map((o, i) => ({ id: String(i), target: o.target, verb: o.verb, authType: o.authType, throttlingPolicy: o.throttlingPolicy, scopes: o.scopes })),
    scopes: api.scopes.map(scopeInfo),
    tiers: api.policies.map((tierName) => ({ tierName, tierPlan: 'FREE' })),
    endpointURLs: [
      {
        environmentName: 'Default',
        environmentDisplayName: 'Default',
        environmentType: 'hybrid',
        URLs: { http: url.startsWith('http:') ? url : '', https: url.startsWith('https:') ? url : '' },
        // No default-version routing: WSO2 leaves these unset then (strings when set).
        defaultVersionURLs: {},
      },
    ],
    isSubscriptionAvailable: true,
  };
}

export function subscription(
  sub: Subscription,
  api: Out<typeof ApiInfoSchema>,
  application: Out<typeof ApplicationInfoSchema>,
): Out<typeof SubscriptionSchema> {
  return {
    subscriptionId: sub.id,
    applicationId: sub.applicationId,
    apiId: sub.apiId,
    apiInfo: api,
    applicationInfo: application,
    throttlingPolicy: sub.throttlingPolicy,
    requestedThrottlingPolicy: sub.throttlingPolicy,
    status: sub.status,
  };
}

/** API key metadata; never the key (P07). */
export function apiKeyInfo(key: ApiKeyRecord): Out<typeof ApiKeyInfoSchema> {
  return {
    keyUUID: key.id,
    keyName: key.name,
    keyType: key.keyType,
    issuedOn: key.issuedAt,
    validityPeriod: key.validityPeriod,
    ...(key.lastUsedAt !== null && { lastUsed: key.lastUsedAt }),
    additionalProperties: { permittedIP: key.permittedIps.join(','), permittedReferer: key.permittedReferers.join(',') },
  };
}

export function throttlingPolicy(policy: ThrottlePolicy): Out<typeof ThrottlingPolicySchema> {
  return {
    name: policy.name,
    displayName: policy.displayName,
    description: policy.description,
    policyLevel: policy.level,
    attributes: {},
    requestCount: policy.requestCount ?? UNLIMITED_REQUESTS,
    unitTime: windowMs(policy),
    timeUnit: policy.timeUnit,
    rateLimitCount: 0,
    quotaPolicyType: 'REQUESTCOUNT',
    tierPlan: 'FREE',
    stopOnQuotaReach: policy.stopOnQuotaReach,
  };
}

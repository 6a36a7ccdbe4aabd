import { z } from 'zod';
import { GRANT_TYPES } from '../../../core/model.ts';
import { OperationSchema, epochMs, intLike, readOnly } from '../common-schemas.ts';
import { PaginationSchema } from '../pagination.ts';
import { ApplicationInfoSchema, ScopeInfoSchema } from './application-schemas.ts';

/** Devportal v3 schemas for the API catalogue, subscriptions, API keys, tiers, settings and key managers. */

export const TierSchema = z.object({ tierName: z.string(), tierPlan: z.string() });

export const EndpointUrlSchema = z.object({
  environmentName: z.string(),
  environmentDisplayName: z.string(),
  environmentType: z.string(),
  URLs: z.object({ http: z.string(), https: z.string() }),
  defaultVersionURLs: z.object({ http: z.string().optional(), https: z.string().optional() }),
});

export const ApiInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  context: z.string(),
  version: z.string(),
  type: z.string(),
  provider: z.string(),
  lifeCycleStatus: z.string(),
  throttlingPolicies: z.array(z.string()),
  securityScheme: z.array(z.string()),
  createdTime: epochMs,
  lastUpdatedTime: epochMs,
});

export const ApiSchema = ApiInfoSchema.extend({
  transport: z.array(z.string()),
  operations: z.array(OperationSchema),
  scopes: z.array(ScopeInfoSchema),
  tiers: z.array(TierSchema),
  endpointURLs: z.array(EndpointUrlSchema),
  isSubscriptionAvailable: z.boolean(),
});

export const ApiListSchema = z.object({ count: z.number().int(), list: z.array(ApiInfoSchema), pagination: PaginationSchema });

export const SubscriptionSchema = z.object({
  subscriptionId: z.string(),
  applicationId: z.string(),
  apiId: z.string(),
  apiInfo: ApiInfoSchema,
  applicationInfo: ApplicationInfoSchema,
  throttlingPolicy: z.string(),
  requestedThrottlingPolicy: z.string(),
  status: z.string(),
});

export const SubscriptionListSchema = z.object({ count: z.number().int(), list: z.array(SubscriptionSchema), pagination: PaginationSchema });

const subscriptionReadOnly = {
  subscriptionId: readOnly(),
  apiInfo: readOnly(),
  applicationInfo: readOnly(),
  requestedThrottlingPolicy: readOnly(),
  status: readOnly(),
  redirectionParams: readOnly(),
};

export const SubscriptionRequestSchema = z.strictObject({
  applicationId: z.string().min(1).max(100),
  apiId: z.string().min(1).max(100),
  throttlingPolicy: z.string().max(100).optional().meta({ description: 'A subscription tier the API offers (default: its first)' }),
  ...subscriptionReadOnly,
});

export const SubscriptionUpdateRequestSchema = z.strictObject({
  throttlingPolicy: z.string().min(1).max(100),
  applicationId: readOnly('Ignored: a subscription cannot move to another application'),
  apiId: readOnly('Ignored: a subscription cannot move to another API'),
  ...subscriptionReadOnly,
});

export const ApiKeyGenerateRequestSchema = z.strictObject({
  keyName: z.string().max(100).optional(),
  validityPeriod: intLike.optional().meta({ description: 'Seconds; ≤ 0 or absent = never expires' }),
  additionalProperties: z
    .strictObject({
      permittedIP: z.string().max(4000).optional().meta({ description: 'Comma-separated IPv4/IPv6 addresses or CIDR ranges' }),
      permittedReferer: z.string().max(4000).optional().meta({ description: 'Comma-separated Referer patterns; * is a wildcard' }),
    })
    .optional(),
});

export const ApiKeySchema = z.object({
  keyUUID: z.string(),
  keyName: z.string(),
  apikey: z.string(),
  validityTime: z.number().int().meta({ description: 'Seconds; -1 = never expires' }),
});

export const ApiKeyInfoSchema = z.object({
  keyUUID: z.string(),
  keyName: z.string(),
  keyType: z.string(),
  issuedOn: z.number().int().meta({ description: 'Epoch milliseconds' }),
  validityPeriod: z.number().int(),
  lastUsed: z.number().int().optional().meta({ description: 'Epoch milliseconds; absent = never used' }),
  additionalProperties: z.object({ permittedIP: z.string(), permittedReferer: z.string() }),
});

export const ApiKeyListSchema = z.object({ count: z.number().int(), list: z.array(ApiKeyInfoSchema) });

export const ApiKeyRevokeRequestSchema = z.strictObject({
  apikey: z.string().max(200).optional(),
  keyUUID: z.string().max(100).optional(),
});

export const ApiKeyRenewRequestSchema = z.strictObject({ keyUUID: z.string().min(1).max(100) });

export const ThrottlingPolicySchema = z.object({
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  policyLevel: z.string(),
  attributes: z.record(z.string(), z.string()),
  requestCount: z.number().int().meta({ description: '2147483647 = unlimited' }),
  unitTime: z.number().int().meta({ description: 'Milliseconds' }),
  timeUnit: z.string(),
  rateLimitCount: z.number().int(),
  quotaPolicyType: z.string(),
  tierPlan: z.string(),
  stopOnQuotaReach: z.boolean(),
});

export const ThrottlingPolicyListSchema = z.object({ count: z.number().int(), list: z.array(ThrottlingPolicySchema), pagination: PaginationSchema });

/** WSO2 answers GET /apis/{apiId}/subscription-policies with a bare array (its document says one object). */
export const ThrottlingPolicyArraySchema = z.array(ThrottlingPolicySchema);

/** An OpenAPI 3.0 document, as GET /apis/{apiId}/swagger returns it. */
export const ApiDefinitionSchema = z.record(z.string(), z.unknown()).meta({ description: 'The OpenAPI document' });

/** POST /subscriptions/multiple: WSO2 sends an array of Subscription objects. */
export const SubscriptionRequestListSchema = z.array(SubscriptionRequestSchema).min(1).max(100);
export const SubscriptionArraySchema = z.array(SubscriptionSchema);

export const SettingsSchema = z.object({
  grantTypes: z.array(z.string()),
  scopes: z.array(z.string()),
  applicationSharingEnabled: z.boolean(),
  mapExistingAuthApps: z.boolean(),
  apiGatewayEndpoint: z.string(),
  monetizationEnabled: z.boolean(),
  recommendationEnabled: z.boolean(),
  IsUnlimitedTierPaid: z.boolean(),
  identityProvider: z.object({ external: z.boolean() }),
  IsAnonymousModeEnabled: z.boolean(),
  IsPasswordChangeEnabled: z.boolean(),
  IsJWTEnabledForLoginTokens: z.boolean(),
});

export const KeyManagerApplicationConfigurationSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  required: z.boolean(),
  mask: z.boolean(),
  multiple: z.boolean(),
  tooltip: z.string(),
  default: z.union([z.string(), z.number(), z.boolean()]),
  values: z.array(z.string()),
});

export const KeyManagerInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  displayName: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  availableGrantTypes: z.array(z.enum(GRANT_TYPES)),
  tokenEndpoint: z.string(),
  revokeEndpoint: z.string(),
  enableTokenGeneration: z.boolean(),
  enableTokenEncryption: z.boolean(),
  enableTokenHashing: z.boolean(),
  enableOAuthAppCreation: z.boolean(),
  enableMapOAuthConsumerApps: z.boolean(),
  applicationConfiguration: z.array(KeyManagerApplicationConfigurationSchema),
  additionalProperties: z.record(z.string(), z.string()),
  tokenType: z.string(),
});

export const KeyManagerListSchema = z.object({ count: z.number().int(), list: z.array(KeyManagerInfoSchema) });

export const CATALOG_SCHEMAS = {
  Operation: OperationSchema,
  Tier: TierSchema,
  APIEndpointURL: EndpointUrlSchema,
  APIInfo: ApiInfoSchema,
  API: ApiSchema,
  APIList: ApiListSchema,
  Subscription: SubscriptionSchema,
  SubscriptionList: SubscriptionListSchema,
  SubscriptionRequest: SubscriptionRequestSchema,
  SubscriptionUpdateRequest: SubscriptionUpdateRequestSchema,
  APIKeyGenerateRequest: ApiKeyGenerateRequestSchema,
  APIKey: ApiKeySchema,
  APIKeyInfo: ApiKeyInfoSchema,
  APIKeyList: ApiKeyListSchema,
  APIKeyRevokeRequest: ApiKeyRevokeRequestSchema,
  APIKeyRenewRequest: ApiKeyRenewRequestSchema,
  ThrottlingPolicy: ThrottlingPolicySchema,
  ThrottlingPolicyList: ThrottlingPolicyListSchema,
  ThrottlingPolicyArray: ThrottlingPolicyArraySchema,
  APIDefinition: ApiDefinitionSchema,
  SubscriptionRequestList: SubscriptionRequestListSchema,
  SubscriptionArray: SubscriptionArraySchema,
  Settings: SettingsSchema,
  KeyManagerApplicationConfiguration: KeyManagerApplicationConfigurationSchema,
  KeyManagerInfo: KeyManagerInfoSchema,
  KeyManagerList: KeyManagerListSchema,
} as const;

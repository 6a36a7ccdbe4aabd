import { z } from 'zod';
import { KEY_TYPES, TOKEN_TYPES } from '../../../core/model.ts';
import { epochMs, ignored, intLike, readOnly } from '../common-schemas.ts';
import { PaginationSchema } from '../pagination.ts';

/** Devportal v3 schemas for applications, their OAuth keys, tokens and secrets (WSO2 devportal-api.yaml). */

export const ScopeInfoSchema = z.object({
  key: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  description: z.string(),
});

export const ApplicationTokenSchema = z.object({
  accessToken: z.string(),
  tokenScopes: z.array(z.string()),
  validityTime: z.number().int().meta({ description: 'Seconds; -1 = never expires' }),
});

export const KeyPropertiesSchema = z.object({
  application_access_token_expiry_time: z.number().int(),
  user_access_token_expiry_time: z.number().int(),
  refresh_token_expiry_time: z.number().int(),
  pkceMandatory: z.boolean(),
  pkceSupportPlain: z.boolean(),
  bypassClientCredentials: z.boolean(),
});

const propertyValue = z.union([z.string().max(100), z.number(), z.boolean()]);

/** Resident Key Manager application settings; values as strings, numbers or booleans (WSO2 sends all three). */
export const KeyPropertiesInputSchema = z.strictObject({
  application_access_token_expiry_time: propertyValue.optional().meta({ description: 'Seconds; negative = never expires' }),
  user_access_token_expiry_time: propertyValue.optional().meta({ description: 'Seconds; negative = never expires' }),
  refresh_token_expiry_time: propertyValue.optional(),
  id_token_expiry_time: ignored('no ID tokens are issued'),
  pkceMandatory: propertyValue.optional(),
  pkceSupportPlain: propertyValue.optional().meta({ description: 'Only false: plain PKCE is not supported' }),
  bypassClientCredentials: ignored('public clients are not supported'),
  application_scopes: ignored('application scopes are not supported'),
});

export const ApplicationKeySchema = z.object({
  keyMappingId: z.string(),
  keyManager: z.string(),
  consumerKey: z.string(),
  consumerSecret: z.string().optional().meta({ description: 'Only in the response that creates it' }),
  supportedGrantTypes: z.array(z.string()),
  callbackUrl: z.string().optional().meta({ description: 'Absent when the key has none' }),
  keyState: z.string(),
  keyType: z.enum(KEY_TYPES),
  mode: z.string(),
  groupId: z.string().optional().meta({ description: 'Never set: application sharing is disabled' }),
  token: ApplicationTokenSchema.optional(),
  additionalProperties: KeyPropertiesSchema,
});

export const ApplicationKeyListSchema = z.object({ count: z.number().int(), list: z.array(ApplicationKeySchema) });

export const ApplicationInfoSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  throttlingPolicy: z.string(),
  description: z.string(),
  status: z.string(),
  groups: z.array(z.string()),
  subscriptionCount: z.number().int(),
  attributes: z.record(z.string(), z.string()),
  owner: z.string(),
  tokenType: z.enum(TOKEN_TYPES),
  createdTime: epochMs,
  updatedTime: epochMs,
});

export const ApplicationSchema = ApplicationInfoSchema.extend({
  keys: z.array(ApplicationKeySchema),
  subscriptionScopes: z.array(ScopeInfoSchema),
  hashEnabled: z.boolean(),
});

export const ApplicationListSchema = z.object({ count: z.number().int(), list: z.array(ApplicationInfoSchema), pagination: PaginationSchema });

export const ApplicationRequestSchema = z.strictObject({
  name: z.string().max(100),
  throttlingPolicy: z.string().max(100).optional().meta({ description: 'Application tier (default Unlimited)' }),
  description: z.string().max(512).optional(),
  tokenType: z.enum(TOKEN_TYPES).optional().meta({ description: 'JWT (default) or OAUTH (opaque)' }),
  attributes: z.record(z.string().max(100), z.string().max(1000)).optional(),
  groups: ignored('application sharing is disabled'),
  visibility: ignored('application sharing is disabled'),
  applicationId: readOnly(),
  owner: readOnly(),
  status: readOnly(),
  subscriptionCount: readOnly(),
  subscriptionScopes: readOnly(),
  keys: readOnly(),
  hashEnabled: readOnly(),
  createdTime: readOnly(),
  updatedTime: readOnly(),
});

export const KeyGenerateRequestSchema = z.strictObject({
  keyType: z.enum(KEY_TYPES),
  keyManager: z.string().max(100).optional().meta({ description: 'Only "Resident Key Manager" (or its id "resident")' }),
  grantTypesToBeSupported: z.array(z.string().max(100)).max(10),
  callbackUrl: z.string().max(2000).nullable().optional(),
  scopes: z.array(z.string().max(255)).max(100).optional().meta({ description: 'Scopes requested for the initial token' }),
  validityTime: z.union([intLike, z.literal('N/A')]).optional().meta({ description: 'Seconds for the initial token' }),
  additionalProperties: KeyPropertiesInputSchema.optional(),
  clientId: readOnly('Ignored: Gatehouse always mints the consumer key'),
  clientSecret: readOnly('Ignored: Gatehouse always mints the consumer secret'),
});

export const KeyMappingRequestSchema = z.strictObject({
  consumerKey: z.string().min(1).max(100),
  consumerSecret: z.string().min(1).max(200).meta({ description: 'Required by Gatehouse (at least 20 characters); stored hashed' }),
  keyManager: z.string().max(100).optional().meta({ description: 'Only "Resident Key Manager"' }),
  keyType: z.enum(KEY_TYPES),
});

export const KeyUpdateRequestSchema = z.strictObject({
  supportedGrantTypes: z.array(z.string().max(100)).max(10).optional(),
  callbackUrl: z.string().max(2000).nullable().optional(),
  additionalProperties: KeyPropertiesInputSchema.optional(),
  keyMappingId: readOnly(),
  keyManager: readOnly(),
  consumerKey: readOnly(),
  consumerSecret: readOnly(),
  keyState: readOnly(),
  keyType: readOnly(),
  mode: readOnly(),
  groupId: readOnly(),
  token: readOnly(),
});

export const KeyReGenerateResponseSchema = z.object({ consumerKey: z.string(), consumerSecret: z.string() });

export const ConsumerSecretCreationRequestSchema = z.strictObject({
  additionalProperties: z
    .strictObject({
      description: z.string().max(255).optional(),
      expiresIn: intLike.optional().meta({ description: 'Seconds until the secret expires; absent or ≤ 0 = never' }),
    })
    .optional(),
});

export const ConsumerSecretSchema = z.object({
  secretId: z.string(),
  secretValue: z.string().meta({ description: 'The secret when created; masked in lists' }),
  additionalProperties: z.object({
    description: z.string(),
    expiresAt: z.number().int().nullable().meta({ description: 'Epoch seconds; null = never' }),
    createdAt: z.number().int().meta({ description: 'Epoch seconds' }),
  }),
});

export const ConsumerSecretListSchema = z.object({ count: z.number().int(), list: z.array(ConsumerSecretSchema) });

export const ConsumerSecretDeletionRequestSchema = z.strictObject({
  secretId: z.string().min(1).max(100),
  additionalProperties: z.record(z.string(), z.unknown()).optional(),
});

export const TokenGenerateRequestSchema = z.strictObject({
  consumerSecret: z.string().max(200).optional().meta({ description: 'If sent, it must be a live secret of the key' }),
  validityPeriod: intLike.optional().meta({ description: 'Seconds; negative = never expires; default = the key setting' }),
  scopes: z.array(z.string().max(255)).max(100).optional(),
  revokeToken: z.string().max(8192).optional().meta({ description: 'A token of this key to revoke' }),
  grantType: z.enum(['CLIENT_CREDENTIALS']).optional(),
  additionalProperties: z.record(z.string(), z.unknown()).optional(),
});

/** WSO2's ApplicationThrottleReset: an application is counted as a whole here, so the user name is optional. */
export const ApplicationThrottleResetSchema = z
  .object({ userName: z.string().max(255).optional().meta({ description: 'Accepted for WSO2 compatibility: the application is counted as a whole' }) })
  .strict();

export const APPLICATION_SCHEMAS = {
  ScopeInfo: ScopeInfoSchema,
  ApplicationToken: ApplicationTokenSchema,
  KeyProperties: KeyPropertiesSchema,
  KeyPropertiesInput: KeyPropertiesInputSchema,
  ApplicationKey: ApplicationKeySchema,
  ApplicationKeyList: ApplicationKeyListSchema,
  ApplicationInfo: ApplicationInfoSchema,
  Application: ApplicationSchema,
  ApplicationList: ApplicationListSchema,
  ApplicationRequest: ApplicationRequestSchema,
  ApplicationKeyGenerateRequest: KeyGenerateRequestSchema,
  ApplicationKeyUpdateRequest: KeyUpdateRequestSchema,
  ApplicationKeyMappingRequest: KeyMappingRequestSchema,
  ApplicationKeyReGenerateResponse: KeyReGenerateResponseSchema,
  ConsumerSecretCreationRequest: ConsumerSecretCreationRequestSchema,
  ConsumerSecret: ConsumerSecretSchema,
  ConsumerSecretList: ConsumerSecretListSchema,
  ConsumerSecretDeletionRequest: ConsumerSecretDeletionRequestSchema,
  ApplicationTokenGenerateRequest: TokenGenerateRequestSchema,
  ApplicationThrottleReset: ApplicationThrottleResetSchema,
} as const;

import { z } from 'zod';
import { KEY_TYPES } from '../../../core/model.ts';
import { ApiKeyGenerateRequestSchema } from './catalog-schemas.ts';

/** Devportal v3 schemas of WSO2's per-API key model (devportal-api.yaml, tag APIKeys). */

const keyUUID = z.string().min(1).max(100);

export const ApiApiKeyGenerateRequestSchema = ApiKeyGenerateRequestSchema.extend({
  keyType: z.enum(KEY_TYPES).optional().meta({ description: 'PRODUCTION (default) or SANDBOX' }),
});

export const ApiApiKeyInfoSchema = z.object({
  keyUUID: z.string(),
  keyName: z.string(),
  associatedApp: z.string().optional().meta({ description: 'The application the key is associated with; absent when none' }),
  issuedOn: z.number().int().meta({ description: 'Epoch milliseconds' }),
  validityPeriod: z.number().int(),
  lastUsed: z.number().int().optional().meta({ description: 'Epoch milliseconds; absent = never used' }),
});

export const ApiApiKeyListSchema = z.object({ count: z.number().int(), list: z.array(ApiApiKeyInfoSchema) });

export const ApiApiKeyRevokeRequestSchema = z.strictObject({ keyUUID });
export const ApiApiKeyAssociateRequestSchema = z.strictObject({ keyUUID, applicationUUID: z.string().min(1).max(100) });
export const ApiKeyDissociateRequestSchema = z.strictObject({ keyUUID });
export const AppApiKeyAssociateRequestSchema = z.strictObject({ keyUUID, apiUUID: z.string().min(1).max(100) });

export const ApiKeyAssociationSchema = z.object({ keyName: z.string(), apiName: z.string(), applicationName: z.string() });

export const ApiKeyAssociationInfoSchema = z.object({
  keyUUID: z.string(),
  keyName: z.string(),
  apiName: z.string(),
  apiUUID: z.string(),
  issuedOn: z.number().int(),
  validityPeriod: z.number().int(),
  lastUsed: z.number().int().optional(),
});

export const ApiKeyAssociationListSchema = z.object({ count: z.number().int(), list: z.array(ApiKeyAssociationInfoSchema) });

export const ApiWithKeyInfoSchema = z.object({ keyName: z.string(), keyUUID: z.string(), apiName: z.string(), apiUUID: z.string() });
export const SubscribedApiWithApiKeyListSchema = z.object({ count: z.number().int(), list: z.array(ApiWithKeyInfoSchema) });

export const API_KEY_BINDING_SCHEMAS = {
  APIAPIKeyGenerateRequest: ApiApiKeyGenerateRequestSchema,
  APIAPIKeyInfo: ApiApiKeyInfoSchema,
  APIAPIKeyList: ApiApiKeyListSchema,
  APIAPIKeyRevokeRequest: ApiApiKeyRevokeRequestSchema,
  APIAPIKeyAssociateRequest: ApiApiKeyAssociateRequestSchema,
  APIKeyDissociateRequest: ApiKeyDissociateRequestSchema,
  AppAPIKeyAssociateRequest: AppApiKeyAssociateRequestSchema,
  APIKeyAssociation: ApiKeyAssociationSchema,
  APIKeyAssociationInfo: ApiKeyAssociationInfoSchema,
  APIKeyAssociationList: ApiKeyAssociationListSchema,
  APIWithKeyInfo: ApiWithKeyInfoSchema,
  SubscribedAPIWithApiKeyList: SubscribedApiWithApiKeyListSchema,
} as const;

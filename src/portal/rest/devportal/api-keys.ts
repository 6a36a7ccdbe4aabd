import { z } from 'zod';
import { KEY_TYPES } from '../../../core/model.ts';
import { defineRoute } from '../route-table.ts';
import { API_KEY_ACCESS } from './access.ts';
import { applicationParams } from './applications.ts';
import { ApiKeyGenerateRequestSchema, ApiKeyListSchema, ApiKeyRenewRequestSchema, ApiKeyRevokeRequestSchema, ApiKeySchema } from './catalog-schemas.ts';
import { apiKeyInfo } from './mappers.ts';

/** Devportal API keys (WSO2 4.7 opaque, named keys): the key is shown once; lists carry only metadata. */

const tag = 'API Keys';
const params = applicationParams.extend({ keyType: z.enum(KEY_TYPES).meta({ description: 'PRODUCTION or SANDBOX' }) });

const shown = (key: { id: string; name: string; validityPeriod: number }, value: string) => ({
  keyUUID: key.id,
  keyName: key.name,
  apikey: value,
  validityTime: key.validityPeriod,
});

export const apiKeyRoutes = [
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/api-keys/{keyType}/generate',
    operationId: 'generateAPIKey',
    summary: 'Generate an API key (shown in this response only), optionally restricted by IP and Referer',
    tag,
    access: API_KEY_ACCESS,
    params,
    body: ApiKeyGenerateRequestSchema,
    status: 200,
    response: ApiKeySchema,
    async handler({ services, user, params: p, body }) {
      const { key, value } = await services.apiKeys.generate(user.id, p.applicationId, p.keyType, {
        keyName: body.keyName,
        validityPeriod: body.validityPeriod,
        permittedIP: body.additionalProperties?.permittedIP,
        permittedReferer: body.additionalProperties?.permittedReferer,
      });
      return shown(key, value);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/api-keys/{keyType}',
    operationId: 'getAPIKeys',
    summary: 'List live API keys with their last-used time (never the key itself)',
    tag,
    access: API_KEY_ACCESS,
    params,
    status: 200,
    response: ApiKeyListSchema,
    async handler({ services, user, params: p }) {
      const list = (await services.apiKeys.list(user.id, p.applicationId, p.keyType)).map(apiKeyInfo);
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/api-keys/{keyType}/revoke',
    operationId: 'revokeAPIKey',
    summary: 'Revoke an API key by keyUUID or by the key itself',
    tag,
    access: API_KEY_ACCESS,
    params,
    body: ApiKeyRevokeRequestSchema,
    status: 200,
    async handler({ services, user, params: p, body }) {
      await services.apiKeys.revoke(user.id, p.applicationId, p.keyType, body);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/api-keys/{keyType}/regenerate',
    operationId: 'regenerateAPIKey',
    summary: 'Replace an API key with a new one (same name and restrictions); the old one stops working at once',
    tag,
    access: API_KEY_ACCESS,
    params,
    body: ApiKeyRenewRequestSchema,
    status: 200,
    response: ApiKeySchema,
    async handler({ services, user, params: p, body }) {
      const { key, value } = await services.apiKeys.regenerate(user.id, p.applicationId, p.keyType, body.keyUUID);
      return shown(key, value);
    },
  }),
];

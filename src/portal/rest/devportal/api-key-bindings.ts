import { z } from 'zod';
import type { BoundKey } from '../../../core/api-key-bindings.ts';
import { KEY_TYPES, type ApiKeyRecord } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { id } from '../common-schemas.ts';
import { defineRoute } from '../route-table.ts';
import { API_KEY_ACCESS } from './access.ts';
import {
  ApiApiKeyAssociateRequestSchema,
  ApiApiKeyGenerateRequestSchema,
  ApiApiKeyListSchema,
  ApiApiKeyRevokeRequestSchema,
  ApiKeyAssociationListSchema,
  ApiKeyAssociationSchema,
  ApiKeyDissociateRequestSchema,
  AppApiKeyAssociateRequestSchema,
  SubscribedApiWithApiKeyListSchema,
} from './api-key-binding-schemas.ts';
import { applicationParams } from './applications.ts';
import { ApiKeySchema } from './catalog-schemas.ts';

/**
 * WSO2's per-API key model: keys made for one API (usable once associated with a subscribed
 * application), and application keys associated with one API (usable for that API only). The gateway
 * enforces both; see core/api-key-bindings.ts.
 */

const tag = 'API Keys';
const apiParams = z.object({ apiId: id });
const appParams = applicationParams.extend({ keyType: z.enum(KEY_TYPES).meta({ description: 'PRODUCTION or SANDBOX' }) });

const shown = ({ key, value }: { key: ApiKeyRecord; value: string }) => ({ keyUUID: key.id, keyName: key.name, apikey: value, validityTime: key.validityPeriod });
const times = (key: ApiKeyRecord) => ({ issuedOn: key.issuedAt, validityPeriod: key.validityPeriod, ...(key.lastUsedAt !== null && { lastUsed: key.lastUsedAt }) });

async function association(services: Services, userId: string, key: ApiKeyRecord) {
  const [api, application] = await Promise.all([services.store.apis.findById(key.apiId ?? ''), services.applications.get(userId, key.applicationId).catch(() => null)]);
  return { keyName: key.name, apiName: api?.name ?? '', applicationName: application?.name ?? '' };
}

const withApi = ({ key, api }: BoundKey) => ({ keyName: key.name, keyUUID: key.id, apiName: api?.name ?? '', apiUUID: key.apiId ?? '' });

const apiSide = [
  defineRoute({
    method: 'POST',
    path: '/apis/{apiId}/api-keys/generate',
    operationId: 'generateAPIAPIKey',
    summary: 'Make an API key for this API (shown once); it works after association with a subscribed application',
    tag,
    access: API_KEY_ACCESS,
    params: apiParams,
    body: ApiApiKeyGenerateRequestSchema,
    status: 200,
    response: ApiKeySchema,
    async handler({ services, user, params, body }) {
      const { keyType, keyName, validityPeriod, additionalProperties: extra } = body;
      const input = { keyName, validityPeriod, permittedIP: extra?.permittedIP, permittedReferer: extra?.permittedReferer };
      return shown(await services.apiKeys.bindings.generate(user.id, params.apiId, keyType ?? 'PRODUCTION', input));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}/api-keys',
    operationId: 'getAPIAPIKeys',
    summary: "The caller's keys bound to this API (made for it, or their applications' keys associated with it); never the keys themselves",
    tag,
    access: API_KEY_ACCESS,
    params: apiParams,
    status: 200,
    response: ApiApiKeyListSchema,
    async handler({ services, user, params }) {
      const list = (await services.apiKeys.bindings.listForApi(user.id, params.apiId)).map(({ key, applicationName }) => ({
        keyUUID: key.id,
        keyName: key.name,
        ...(applicationName !== null && { associatedApp: applicationName }),
        ...times(key),
      }));
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/apis/{apiId}/api-keys/regenerate',
    operationId: 'regenerateAPIAPIKey',
    summary: 'Replace a key bound to this API (same name, restrictions and association); the old one stops at once',
    tag,
    access: API_KEY_ACCESS,
    params: apiParams,
    body: ApiApiKeyRevokeRequestSchema,
    status: 200,
    response: ApiKeySchema,
    async handler({ services, user, params, body }) {
      return shown(await services.apiKeys.bindings.regenerate(user.id, params.apiId, body.keyUUID));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/apis/{apiId}/api-keys/revoke',
    operationId: 'revokeAPIAPIKey',
    summary: 'Revoke a key bound to this API',
    tag,
    access: API_KEY_ACCESS,
    params: apiParams,
    body: ApiApiKeyRevokeRequestSchema,
    status: 200,
    async handler({ services, user, params, body }) {
      await services.apiKeys.bindings.revoke(user.id, params.apiId, body.keyUUID);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/apis/{apiId}/api-keys/associate',
    operationId: 'associateAPIAPIKey',
    summary: "Associate a key made for this API with one of the caller's applications subscribed to it",
    tag,
    access: API_KEY_ACCESS,
    params: apiParams,
    body: ApiApiKeyAssociateRequestSchema,
    status: 200,
    response: ApiKeyAssociationSchema,
    async handler({ services, user, params, body }) {
      return association(services, user.id, await services.apiKeys.bindings.associate(user.id, params.apiId, body.keyUUID, body.applicationUUID));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/apis/{apiId}/api-keys/dissociate',
    operationId: 'dissociateAPIAPIKey',
    summary: 'Remove the association: a key made for this API stops working; an application key works for all its subscribed APIs again',
    tag,
    access: API_KEY_ACCESS,
    params: apiParams,
    body: ApiKeyDissociateRequestSchema,
    status: 200,
    async handler({ services, user, params, body }) {
      await services.apiKeys.bindings.dissociate(user.id, params.apiId, body.keyUUID);
    },
  }),
];

const applicationSide = [
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/api-keys/{keyType}/subscriptions',
    operationId: 'getSubscribedAPIsWithAPIKeys',
    summary: "Keys the caller made for APIs this application subscribes to, not associated yet (candidates for …/associate)",
    tag,
    access: API_KEY_ACCESS,
    params: appParams,
    status: 200,
    response: SubscribedApiWithApiKeyListSchema,
    async handler({ services, user, params }) {
      const list = (await services.apiKeys.bindings.associable(user.id, params.applicationId, params.keyType)).map(withApi);
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/api-keys/{keyType}/associations',
    operationId: 'getAPIKeyAssociations',
    summary: "The application's keys associated with one API",
    tag,
    access: API_KEY_ACCESS,
    params: appParams,
    status: 200,
    response: ApiKeyAssociationListSchema,
    async handler({ services, user, params }) {
      const list = (await services.apiKeys.bindings.associations(user.id, params.applicationId, params.keyType)).map((b) => ({ ...withApi(b), ...times(b.key) }));
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/api-keys/{keyType}/associate',
    operationId: 'associateAppAPIKey',
    summary: "Restrict one of the application's keys to one subscribed API, or bring in a key made for that API",
    tag,
    access: API_KEY_ACCESS,
    params: appParams,
    body: AppApiKeyAssociateRequestSchema,
    status: 200,
    response: ApiKeyAssociationSchema,
    async handler({ services, user, params, body }) {
      const key = await services.apiKeys.bindings.associateWithApplication(user.id, params.applicationId, params.keyType, { keyUUID: body.keyUUID, apiId: body.apiUUID });
      return association(services, user.id, key);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/api-keys/{keyType}/dissociate',
    operationId: 'dissociateAppAPIKey',
    summary: 'Remove the association of one of the application’s keys with an API',
    tag,
    access: API_KEY_ACCESS,
    params: appParams,
    body: ApiKeyDissociateRequestSchema,
    status: 200,
    async handler({ services, user, params, body }) {
      await services.apiKeys.bindings.dissociateFromApplication(user.id, params.applicationId, params.keyType, body.keyUUID);
    },
  }),
];

export const apiKeyBindingRoutes = [...apiSide, ...applicationSide];

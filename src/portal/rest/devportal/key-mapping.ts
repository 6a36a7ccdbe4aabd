import { z } from 'zod';
import { KEY_TYPES } from '../../../core/model.ts';
import { defineRoute } from '../route-table.ts';
import { APP_ACCESS } from './access.ts';
import { ApplicationKeySchema, KeyMappingRequestSchema } from './application-schemas.ts';
import { applicationParams } from './applications.ts';
import { checkKeyManager, keySettings, ownedKey, ownedKeyOfType } from './key-settings.ts';
import { applicationKey } from './mappers.ts';
import { keyParams } from './oauth-keys.ts';

/**
 * Keys that come from elsewhere (WSO2 `map-keys`, for migrations) and WSO2's clean-up of a failed key
 * generation. Gatehouse creates keys in one transaction, so there is never a half-made key to clean:
 * clean-up answers 200 for a key that exists and changes nothing.
 */

const tag = 'Application Keys';

export const keyMappingRoutes = [
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/map-keys',
    operationId: 'mapApplicationKeys',
    summary: 'Map an existing OAuth client (consumer key and secret) as PRODUCTION or SANDBOX keys; the secret is stored hashed, never shown',
    description: 'The client gets the client_credentials and refresh_token grants and the server default token lifetimes; change them with PUT …/oauth-keys/{keyMappingId}.',
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    body: KeyMappingRequestSchema,
    status: 200,
    response: ApplicationKeySchema,
    async handler({ services, user, params, body }) {
      const application = await services.applications.get(user.id, params.applicationId);
      checkKeyManager(body.keyManager);
      const settings = keySettings(services, { grantTypes: ['client_credentials', 'refresh_token'] });
      const client = await services.clients.mapKeys(application, body.keyType, { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret, settings });
      return applicationKey(client);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/clean-up',
    operationId: 'cleanUpApplicationKeysByKeyMappingId',
    summary: 'Clean up after a failed key generation (nothing to clean in Gatehouse: keys are created atomically)',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    status: 200,
    async handler({ services, user, params }) {
      await ownedKey(services, user, params.applicationId, params.keyMappingId);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/keys/{keyType}/clean-up',
    operationId: 'cleanUpApplicationKeys',
    summary: 'Clean up after a failed key generation (deprecated path; nothing to clean in Gatehouse)',
    tag: 'Application Keys (deprecated paths)',
    deprecated: true,
    access: APP_ACCESS,
    params: applicationParams.extend({ keyType: z.enum(KEY_TYPES) }),
    status: 200,
    async handler({ services, user, params }) {
      await ownedKeyOfType(services, user, params.applicationId, params.keyType);
    },
  }),
];

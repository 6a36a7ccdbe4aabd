import { z } from 'zod';
import { issueApplicationToken } from '../../../core/application-tokens.ts';
import { id } from '../common-schemas.ts';
import { defineRoute } from '../route-table.ts';
import { APP_ACCESS } from './access.ts';
import {
  ApplicationKeyListSchema,
  ApplicationKeySchema,
  ApplicationTokenSchema,
  KeyGenerateRequestSchema,
  KeyReGenerateResponseSchema,
  KeyUpdateRequestSchema,
  TokenGenerateRequestSchema,
} from './application-schemas.ts';
import { applicationParams } from './applications.ts';
import { generateToken, listKeys, regenerateSecret, updateKey } from './key-actions.ts';
import { checkKeyManager, keySettings, ownedKey, tokenValidity } from './key-settings.ts';
import { applicationKey } from './mappers.ts';

/** Devportal v3 application keys (OAuth clients), addressed by key mapping id. */

const tag = 'Application Keys';
export const keyParams = applicationParams.extend({ keyMappingId: id });

export const oauthKeyRoutes = [
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/generate-keys',
    operationId: 'generateApplicationKeys',
    summary: 'Create PRODUCTION or SANDBOX keys; the consumer secret is in this response only',
    description: 'When client_credentials is among the grant types, an initial application token is returned in `token`.',
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    body: KeyGenerateRequestSchema,
    status: 200,
    response: ApplicationKeySchema,
    async handler({ services, user, params, body }) {
      const application = await services.applications.get(user.id, params.applicationId);
      checkKeyManager(body.keyManager);
      // Everything is validated before the keys are created, so bad input never leaves half-made keys.
      const initialValidity = tokenValidity(services, 'validityTime', body.validityTime);
      const settings = keySettings(services, { grantTypes: body.grantTypesToBeSupported, callbackUrl: body.callbackUrl, properties: body.additionalProperties });
      const { client, secret } = await services.clients.generateKeys(application, body.keyType, settings);
      const token = client.grantTypes.includes('client_credentials')
        ? await issueApplicationToken(services, { client, tokenType: application.tokenType, validityPeriod: initialValidity, scopes: body.scopes ?? [] })
        : null;
      return applicationKey(client, { secret, token });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/oauth-keys',
    operationId: 'getApplicationOauthKeys',
    summary: "List an application's keys (no secrets)",
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    status: 200,
    response: ApplicationKeyListSchema,
    handler: ({ services, user, params }) => listKeys(services, user.id, params.applicationId),
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}',
    operationId: 'getApplicationOauthKey',
    summary: 'Get one key (no secret)',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    query: z.object({ groupId: z.string().max(100).optional() }),
    status: 200,
    response: ApplicationKeySchema,
    async handler({ services, user, params }) {
      const { client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      return applicationKey(client);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}',
    operationId: 'updateApplicationOauthKey',
    summary: 'Update grant types, callback URL and validity settings of a key',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    body: KeyUpdateRequestSchema,
    status: 200,
    response: ApplicationKeySchema,
    async handler({ services, user, params, body }) {
      const { client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      return updateKey(services, client, body);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}',
    operationId: 'removeApplicationOauthKey',
    summary: 'Delete a key: its tokens are revoked',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    status: 200,
    async handler({ services, user, params }) {
      const { client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      await services.clients.delete(client);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/regenerate-secret',
    operationId: 'regenerateConsumerSecret',
    summary: 'Replace every secret of a key with a new one and revoke all its tokens',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    status: 200,
    response: KeyReGenerateResponseSchema,
    async handler({ services, user, params }) {
      const { client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      return regenerateSecret(services, client);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/generate-token',
    operationId: 'generateApplicationToken',
    summary: 'Issue an application (client_credentials) token; negative validityPeriod = never expires',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    body: TokenGenerateRequestSchema,
    status: 200,
    response: ApplicationTokenSchema,
    async handler({ services, user, params, body, request }) {
      const { application, client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      return generateToken(services, { application, client, ip: request.ip }, body);
    },
  }),
];

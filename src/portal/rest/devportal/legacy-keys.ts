import { z } from 'zod';
import { KEY_TYPES } from '../../../core/model.ts';
import { defineRoute } from '../route-table.ts';
import { APP_ACCESS } from './access.ts';
import {
  ApplicationKeyListSchema,
  ApplicationKeySchema,
  ApplicationTokenSchema,
  KeyReGenerateResponseSchema,
  KeyUpdateRequestSchema,
  TokenGenerateRequestSchema,
} from './application-schemas.ts';
import { applicationParams } from './applications.ts';
import { generateToken, listKeys, regenerateSecret, updateKey } from './key-actions.ts';
import { ownedKeyOfType } from './key-settings.ts';
import { applicationKey } from './mappers.ts';

/** WSO2's deprecated key-type-addressed paths (`/keys/PRODUCTION`), still used by many scripts. */

const tag = 'Application Keys (deprecated paths)';
const keyTypeParams = applicationParams.extend({ keyType: z.enum(KEY_TYPES) });

export const legacyKeyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/keys',
    operationId: 'getApplicationKeys',
    summary: "List an application's keys (no secrets)",
    tag,
    deprecated: true,
    access: APP_ACCESS,
    params: applicationParams,
    status: 200,
    response: ApplicationKeyListSchema,
    handler: ({ services, user, params }) => listKeys(services, user.id, params.applicationId),
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/keys/{keyType}',
    operationId: 'getApplicationKeyByKeyType',
    summary: 'Get the PRODUCTION or SANDBOX key (no secret)',
    tag,
    deprecated: true,
    access: APP_ACCESS,
    params: keyTypeParams,
    status: 200,
    response: ApplicationKeySchema,
    async handler({ services, user, params }) {
      return applicationKey((await ownedKeyOfType(services, user, params.applicationId, params.keyType)).client);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/applications/{applicationId}/keys/{keyType}',
    operationId: 'updateApplicationKeyByKeyType',
    summary: 'Update the PRODUCTION or SANDBOX key settings',
    tag,
    deprecated: true,
    access: APP_ACCESS,
    params: keyTypeParams,
    body: KeyUpdateRequestSchema,
    status: 200,
    response: ApplicationKeySchema,
    async handler({ services, user, params, body }) {
      return updateKey(services, (await ownedKeyOfType(services, user, params.applicationId, params.keyType)).client, body);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/keys/{keyType}/regenerate-secret',
    operationId: 'regenerateConsumerSecretByKeyType',
    summary: 'Replace the secrets of the PRODUCTION or SANDBOX key and revoke its tokens',
    tag,
    deprecated: true,
    access: APP_ACCESS,
    params: keyTypeParams,
    status: 200,
    response: KeyReGenerateResponseSchema,
    async handler({ services, user, params }) {
      return regenerateSecret(services, (await ownedKeyOfType(services, user, params.applicationId, params.keyType)).client);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/keys/{keyType}/generate-token',
    operationId: 'generateApplicationTokenByKeyType',
    summary: 'Issue an application token for the PRODUCTION or SANDBOX key',
    tag,
    deprecated: true,
    access: APP_ACCESS,
    params: keyTypeParams,
    body: TokenGenerateRequestSchema,
    status: 200,
    response: ApplicationTokenSchema,
    async handler({ services, user, params, body, request }) {
      const { application, client } = await ownedKeyOfType(services, user, params.applicationId, params.keyType);
      return generateToken(services, { application, client, ip: request.ip }, body);
    },
  }),
];

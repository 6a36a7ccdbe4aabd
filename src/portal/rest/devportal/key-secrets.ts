import { integer, text } from '../../../core/validate.ts';
import { defineRoute } from '../route-table.ts';
import { APP_ACCESS } from './access.ts';
import {
  ConsumerSecretCreationRequestSchema,
  ConsumerSecretDeletionRequestSchema,
  ConsumerSecretListSchema,
  ConsumerSecretSchema,
} from './application-schemas.ts';
import { ownedKey } from './key-settings.ts';
import { consumerSecret } from './mappers.ts';
import { keyParams } from './oauth-keys.ts';

/** WSO2 4.7 multiple consumer secrets: add a secret, roll clients over, revoke the old one — no downtime. */

const tag = 'Application Secrets';

export const keySecretRoutes = [
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/generate-secret',
    operationId: 'generateConsumerSecret',
    summary: 'Add a consumer secret (shown in this response only); existing secrets stay valid',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    body: ConsumerSecretCreationRequestSchema,
    status: 201,
    response: ConsumerSecretSchema,
    async handler({ services, user, params, body }) {
      const { client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      const properties = body.additionalProperties ?? {};
      const expiresIn = properties.expiresIn === undefined ? null : integer('expiresIn', properties.expiresIn, { max: 10 * 365 * 86400 });
      const description = text('description', properties.description ?? 'secret', { max: 255 });
      const { secret, value } = await services.clients.generateSecret(client, { description, expiresInSeconds: expiresIn !== null && expiresIn > 0 ? expiresIn : null });
      return consumerSecret(secret, value);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/secrets',
    operationId: 'getConsumerSecrets',
    summary: 'List the secrets of a key, masked',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    status: 200,
    response: ConsumerSecretListSchema,
    async handler({ services, user, params }) {
      const { client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      const list = (await services.clients.listSecrets(client)).map((s) => consumerSecret(s, null));
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/oauth-keys/{keyMappingId}/revoke-secret',
    operationId: 'revokeConsumerSecret',
    summary: 'Revoke one secret (not the last one)',
    tag,
    access: APP_ACCESS,
    params: keyParams,
    body: ConsumerSecretDeletionRequestSchema,
    status: 204,
    async handler({ services, user, params, body }) {
      const { client } = await ownedKey(services, user, params.applicationId, params.keyMappingId);
      await services.clients.revokeSecret(client, body.secretId);
    },
  }),
];

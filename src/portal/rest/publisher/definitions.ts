import { z } from 'zod';
import { notFound } from '../../../core/errors.ts';
import { id } from '../common-schemas.ts';
import { openApiDocument } from '../devportal/api-definitions.ts';
import { gatewayUrl } from '../devportal/presenters.ts';
import { defineRoute } from '../route-table.ts';
import { SUBSCRIPTION_VIEW_ACCESS, VIEW_ACCESS } from './access.ts';

/** Publisher v4: an API's OpenAPI document (any lifecycle state) and who is behind a subscription. */

export const PublisherApiDefinitionSchema = z.record(z.string(), z.unknown()).meta({ description: 'The OpenAPI document' });
export const SubscriberInfoSchema = z.object({ name: z.string(), claims: z.array(z.object({ name: z.string(), URI: z.string(), value: z.string() })) });

export const PUBLISHER_DEFINITION_SCHEMAS = { APIDefinition: PublisherApiDefinitionSchema, SubscriberInfo: SubscriberInfoSchema } as const;

export const publisherDefinitionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}/swagger',
    operationId: 'getAPISwagger',
    summary: "The API's OpenAPI 3 document, generated from its resources, scopes and security schemes",
    tag: 'APIs',
    access: VIEW_ACCESS,
    params: z.object({ apiId: id }),
    status: 200,
    response: PublisherApiDefinitionSchema,
    async handler({ services, params }) {
      return openApiDocument(await services.apis.get(params.apiId), gatewayUrl(services), services.issuer());
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/subscriber-info',
    operationId: 'getSubscriberInfoBySubscriptionId',
    summary: "The user behind a subscription to one of the caller's APIs (no claims: Gatehouse keeps none)",
    tag: 'Subscriber',
    access: SUBSCRIPTION_VIEW_ACCESS,
    params: z.object({ subscriptionId: id }),
    status: 200,
    response: SubscriberInfoSchema,
    async handler({ services, user, params }) {
      const subscription = await services.store.subscriptions.findById(params.subscriptionId);
      if (!subscription) throw notFound('subscription');
      // Only the API's provider (or an admin) may look; listForProvider checks that.
      await services.subscriptions.listForProvider(user, subscription.apiId, { limit: 1, offset: 0 }).catch(() => {
        throw notFound('subscription');
      });
      const application = await services.store.applications.findById(subscription.applicationId);
      const owner = application ? await services.users.findById(application.ownerId) : null;
      return { name: owner?.username ?? '', claims: [] };
    },
  }),
];

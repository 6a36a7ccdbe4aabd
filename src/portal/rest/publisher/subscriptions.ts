import { z } from 'zod';
import { SUBSCRIPTION_STATES, type Subscription } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { id } from '../common-schemas.ts';
import { PaginationSchema, pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import { SUBSCRIPTION_BLOCK_ACCESS, SUBSCRIPTION_VIEW_ACCESS } from './access.ts';

/** Publisher v4 subscriptions: who subscribes to the caller's APIs, and blocking them (enforced by the gateway on every call). */

const tag = 'Subscriptions';

export const PublisherSubscriptionSchema = z.object({
  subscriptionId: z.string(),
  applicationInfo: z.object({ applicationId: z.string(), name: z.string(), subscriber: z.string(), description: z.string() }),
  throttlingPolicy: z.string(),
  subscriptionStatus: z.enum(SUBSCRIPTION_STATES),
});

export const PublisherSubscriptionListSchema = z.object({ count: z.number().int(), list: z.array(PublisherSubscriptionSchema), pagination: PaginationSchema });

export const PUBLISHER_SUBSCRIPTION_SCHEMAS = { Subscription: PublisherSubscriptionSchema, SubscriptionList: PublisherSubscriptionListSchema } as const;

async function present(services: Services, sub: Subscription) {
  const application = await services.store.applications.findById(sub.applicationId);
  const subscriber = application ? ((await services.users.findById(application.ownerId))?.username ?? '') : '';
  return {
    subscriptionId: sub.id,
    applicationInfo: { applicationId: sub.applicationId, name: application?.name ?? '', subscriber, description: application?.description ?? '' },
    throttlingPolicy: sub.throttlingPolicy,
    subscriptionStatus: sub.status,
  };
}

export const publisherSubscriptionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/subscriptions',
    operationId: 'getSubscriptions',
    summary: "Subscriptions to one of the caller's APIs (admins: any API)",
    tag,
    access: SUBSCRIPTION_VIEW_ACCESS,
    query: pageQuery.extend({ apiId: id, query: z.string().max(200).optional().meta({ description: 'Accepted for WSO2 compatibility' }) }),
    status: 200,
    response: PublisherSubscriptionListSchema,
    async handler({ services, user, query }) {
      const page = pageOf(query);
      const result = await services.subscriptions.listForProvider(user, query.apiId, page);
      const list = await Promise.all(result.items.map((s) => present(services, s)));
      return paged(list, result.total, page, '/subscriptions', { apiId: query.apiId });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/subscriptions/block-subscription',
    operationId: 'blockSubscription',
    summary: 'Block a subscription to one of your APIs: BLOCKED stops all calls, PROD_ONLY_BLOCKED production keys only',
    tag,
    access: SUBSCRIPTION_BLOCK_ACCESS,
    query: z.object({ subscriptionId: id, blockState: z.enum(['BLOCKED', 'PROD_ONLY_BLOCKED']) }),
    status: 200,
    async handler({ services, user, query }) {
      await services.subscriptions.setStatus(user, query.subscriptionId, query.blockState);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/subscriptions/unblock-subscription',
    operationId: 'unBlockSubscription',
    summary: 'Unblock a subscription to one of your APIs',
    tag,
    access: SUBSCRIPTION_BLOCK_ACCESS,
    query: z.object({ subscriptionId: id }),
    status: 200,
    async handler({ services, user, query }) {
      await services.subscriptions.setStatus(user, query.subscriptionId, 'UNBLOCKED');
    },
  }),
];

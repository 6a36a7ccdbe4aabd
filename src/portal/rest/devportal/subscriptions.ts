import { z } from 'zod';
import { id } from '../common-schemas.ts';
import { pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import { SUBSCRIPTION_ACCESS } from './access.ts';
import {
  SubscriptionArraySchema,
  SubscriptionListSchema,
  SubscriptionRequestListSchema,
  SubscriptionRequestSchema,
  SubscriptionSchema,
  SubscriptionUpdateRequestSchema,
} from './catalog-schemas.ts';
import { presentSubscription } from './presenters.ts';

/** Devportal v3 subscriptions of the caller's applications to published APIs, with a subscription tier. */

const tag = 'Subscriptions';
const subscriptionParams = z.object({ subscriptionId: id });

export const subscriptionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/subscriptions',
    operationId: 'getSubscriptions',
    summary: 'List subscriptions of one application, or of one API across the caller\'s applications',
    tag,
    access: SUBSCRIPTION_ACCESS,
    query: pageQuery.extend({ applicationId: id.optional(), apiId: id.optional(), groupId: z.string().max(100).optional() }),
    status: 200,
    response: SubscriptionListSchema,
    async handler({ services, user, query }) {
      const page = pageOf(query);
      const filter = { ...(query.applicationId && { applicationId: query.applicationId }), ...(query.apiId && { apiId: query.apiId }) };
      const result = await services.subscriptions.list(user.id, { ...page, ...filter });
      const list = await Promise.all(result.items.map((s) => presentSubscription(services, user, s)));
      return paged(list, result.total, page, '/subscriptions', filter);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/subscriptions',
    operationId: 'addSubscription',
    summary: 'Subscribe an application to a published API with a tier the API offers',
    tag,
    access: SUBSCRIPTION_ACCESS,
    body: SubscriptionRequestSchema,
    status: 201,
    response: SubscriptionSchema,
    async handler({ services, user, body, reply, request }) {
      const subscription = await services.subscriptions.subscribe(user.id, { applicationId: body.applicationId, apiId: body.apiId, throttlingPolicy: body.throttlingPolicy });
      reply.header('location', `${request.url.split('?')[0]}/${subscription.id}`);
      return presentSubscription(services, user, subscription);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/subscriptions/multiple',
    operationId: 'addSubscriptions',
    summary: 'Subscribe several times in one call; each subscription is made as by POST /subscriptions, in order, and the first failure stops the rest',
    description: 'As in WSO2, subscriptions made before a failing one are kept; the failure is the answer.',
    tag,
    access: SUBSCRIPTION_ACCESS,
    body: SubscriptionRequestListSchema,
    status: 200,
    response: SubscriptionArraySchema,
    async handler({ services, user, body }) {
      const made = [];
      for (const s of body) {
        const subscription = await services.subscriptions.subscribe(user.id, { applicationId: s.applicationId, apiId: s.apiId, throttlingPolicy: s.throttlingPolicy });
        made.push(await presentSubscription(services, user, subscription));
      }
      return made;
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/subscriptions/{subscriptionId}',
    operationId: 'getSubscriptionById',
    summary: 'Get a subscription',
    tag,
    access: SUBSCRIPTION_ACCESS,
    params: subscriptionParams,
    status: 200,
    response: SubscriptionSchema,
    async handler({ services, user, params }) {
      return presentSubscription(services, user, await services.subscriptions.get(user.id, params.subscriptionId));
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/subscriptions/{subscriptionId}',
    operationId: 'updateSubscription',
    summary: 'Change the subscription tier',
    tag,
    access: SUBSCRIPTION_ACCESS,
    params: subscriptionParams,
    body: SubscriptionUpdateRequestSchema,
    status: 200,
    response: SubscriptionSchema,
    async handler({ services, user, params, body }) {
      return presentSubscription(services, user, await services.subscriptions.changeTier(user.id, params.subscriptionId, body.throttlingPolicy));
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/subscriptions/{subscriptionId}',
    operationId: 'removeSubscription',
    summary: 'Unsubscribe',
    tag,
    access: SUBSCRIPTION_ACCESS,
    params: subscriptionParams,
    status: 200,
    async handler({ services, user, params }) {
      await services.subscriptions.unsubscribe(user.id, params.subscriptionId);
    },
  }),
];

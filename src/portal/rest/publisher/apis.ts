import { z } from 'zod';
import { windowMs } from '../../../core/policy-service.ts';
import { searchApis } from '../api-search.ts';
import { id } from '../common-schemas.ts';
import { UNLIMITED_REQUESTS } from '../devportal/mappers.ts';
import { pageInMemory, pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import { CREATE_ACCESS, DELETE_ACCESS, PUBLISH_ACCESS, VIEW_ACCESS } from './access.ts';
import { apiInput, lifecycleState } from './mappers.ts';
import { presentPublisherApi, presentPublisherApiInfo } from './presenters.ts';
import {
  ApiRequestSchema,
  LifecycleStateSchema,
  PublisherApiListSchema,
  PublisherApiSchema,
  PublisherThrottlingPolicyListSchema,
  WorkflowResponseSchema,
} from './schemas.ts';

/** Publisher v4 APIs: CRUD, lifecycle, and the tiers an API can offer. */

const tag = 'APIs';
const apiParams = z.object({ apiId: id });

export const publisherApiRoutes = [
  defineRoute({
    method: 'GET',
    path: '/apis',
    operationId: 'getAllAPIs',
    summary: 'List APIs in every lifecycle state',
    tag,
    access: VIEW_ACCESS,
    query: pageQuery.extend({
      query: z.string().max(200).optional().meta({ description: 'name:<text>, context:<text> or free text' }),
      sortBy: z.string().max(50).optional().meta({ description: 'Accepted for WSO2 compatibility; lists are sorted by name and version' }),
      sortOrder: z.string().max(10).optional().meta({ description: 'Accepted for WSO2 compatibility' }),
    }),
    status: 200,
    response: PublisherApiListSchema,
    async handler({ services, query }) {
      const page = pageOf(query);
      const result = await searchApis(services, page, query.query, false);
      return paged(await Promise.all(result.items.map((api) => presentPublisherApiInfo(services, api))), result.total, page, '/apis', { query: query.query });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/apis',
    operationId: 'createAPI',
    summary: 'Create an API (lifecycle state Created)',
    tag,
    access: CREATE_ACCESS,
    body: ApiRequestSchema,
    status: 201,
    response: PublisherApiSchema,
    async handler({ services, user, body, reply, request }) {
      const api = await services.apis.create(user.id, apiInput(body));
      reply.header('location', `${request.url.split('?')[0]}/${api.id}`);
      return presentPublisherApi(services, api);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}',
    operationId: 'getAPI',
    summary: 'Get an API',
    tag,
    access: VIEW_ACCESS,
    params: apiParams,
    status: 200,
    response: PublisherApiSchema,
    async handler({ services, params }) {
      return presentPublisherApi(services, await services.apis.get(params.apiId));
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/apis/{apiId}',
    operationId: 'updateAPI',
    summary: 'Update an API; fields left out keep their values; lifeCycleStatus and provider are read-only',
    tag,
    access: CREATE_ACCESS,
    params: apiParams,
    body: ApiRequestSchema,
    status: 200,
    response: PublisherApiSchema,
    async handler({ services, params, body }) {
      const current = await services.apis.get(params.apiId);
      return presentPublisherApi(services, await services.apis.update(current.id, apiInput(body, current)));
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/apis/{apiId}',
    operationId: 'deleteAPI',
    summary: 'Delete an API without subscriptions (409 otherwise)',
    tag,
    access: DELETE_ACCESS,
    params: apiParams,
    status: 200,
    async handler({ services, params }) {
      await services.apis.delete(params.apiId);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/apis/change-lifecycle',
    operationId: 'changeAPILifecycle',
    summary: 'Publish, Re-Publish, Demote to Created, Block, Deprecate or Retire an API',
    tag: 'API Lifecycle',
    access: PUBLISH_ACCESS,
    query: z.object({ apiId: id, action: z.string().min(1).max(50), lifecycleChecklist: z.string().max(1000).optional() }),
    status: 200,
    response: WorkflowResponseSchema,
    async handler({ services, query }) {
      const api = await services.apis.changeLifecycle(query.apiId, query.action);
      return { workflowStatus: 'APPROVED', jsonPayload: '', lifecycleState: lifecycleState(api) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}/lifecycle-state',
    operationId: 'getAPILifecycleState',
    summary: 'The current lifecycle state and the transitions available from it',
    tag: 'API Lifecycle',
    access: VIEW_ACCESS,
    params: apiParams,
    status: 200,
    response: LifecycleStateSchema,
    async handler({ services, params }) {
      return lifecycleState(await services.apis.get(params.apiId));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/throttling-policies/{policyLevel}',
    operationId: 'getAllThrottlingPolicies',
    summary: 'Subscription tiers an API can offer, or resource-level (api) tiers',
    tag: 'Throttling Policies',
    access: VIEW_ACCESS,
    params: z.object({ policyLevel: z.enum(['subscription', 'api']) }),
    query: pageQuery,
    status: 200,
    response: PublisherThrottlingPolicyListSchema,
    async handler({ services, params, query }) {
      const page = pageOf(query);
      const all = await services.policies.list(params.policyLevel);
      const list = pageInMemory(all, page).map((p) => ({
        name: p.name,
        displayName: p.displayName,
        description: p.description,
        policyLevel: p.level,
        requestCount: p.requestCount ?? UNLIMITED_REQUESTS,
        unitTime: windowMs(p),
        timeUnit: p.timeUnit,
        tierPlan: 'FREE',
        stopOnQuotaReach: p.stopOnQuotaReach,
      }));
      return paged(list, all.length, page, `/throttling-policies/${params.policyLevel}`);
    },
  }),
];

import { z } from 'zod';
import type { Application } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { id } from '../common-schemas.ts';
import { pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import { APP_ACCESS, APP_LIST_ACCESS } from './access.ts';
import { withAttributeRules } from './application-attributes.ts';
import { ApplicationListSchema, ApplicationRequestSchema, ApplicationSchema, ApplicationThrottleResetSchema } from './application-schemas.ts';
import { presentApplication, presentApplicationInfo } from './presenters.ts';

/** Devportal v3 applications: CRUD of the caller's own applications (another user's → 404, P05). */

const tag = 'Applications';
export const applicationParams = z.object({ applicationId: id });

type ApplicationBody = z.output<typeof ApplicationRequestSchema>;

/** Only the writable fields reach the service; read-only ones (owner, status, ids) are dropped here (P06). */
function writable(services: Services, body: ApplicationBody, current?: Application) {
  return {
    name: body.name,
    throttlingPolicy: body.throttlingPolicy ?? current?.throttlingPolicy,
    description: body.description ?? current?.description,
    tokenType: body.tokenType ?? current?.tokenType,
    attributes: withAttributeRules(services, body.attributes ?? current?.attributes),
  };
}

export const applicationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/applications',
    operationId: 'getApplications',
    summary: "List the caller's applications",
    tag,
    access: APP_LIST_ACCESS,
    query: pageQuery.extend({
      query: z.string().max(100).optional().meta({ description: 'Exact application name' }),
      sortBy: z.enum(['name', 'throttlingPolicy', 'status']).optional().meta({ description: 'Accepted for WSO2 compatibility; lists are sorted by name' }),
      sortOrder: z.enum(['asc', 'desc']).optional().meta({ description: 'Accepted for WSO2 compatibility' }),
      groupId: z.string().max(100).optional().meta({ description: 'Accepted for WSO2 compatibility (no application sharing)' }),
    }),
    status: 200,
    response: ApplicationListSchema,
    async handler({ services, user, query }) {
      const page = pageOf(query);
      const result = await services.applications.list(user.id, { ...page, ...(query.query && { name: query.query }) });
      const list = await Promise.all(result.items.map((app) => presentApplicationInfo(services, user, app)));
      return paged(list, result.total, page, '/applications', { query: query.query });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications',
    operationId: 'addApplication',
    summary: 'Create an application (409 if the caller already has one with that name)',
    tag,
    access: APP_ACCESS,
    body: ApplicationRequestSchema,
    status: 201,
    response: ApplicationSchema,
    async handler({ services, user, body, reply, request }) {
      const app = await services.applications.create(user.id, writable(services, body));
      reply.header('location', `${request.url.split('?')[0]}/${app.id}`);
      return presentApplication(services, user, app);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}',
    operationId: 'getApplication',
    summary: 'Get an application with its keys (secrets are never returned)',
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    status: 200,
    response: ApplicationSchema,
    async handler({ services, user, params }) {
      return presentApplication(services, user, await services.applications.get(user.id, params.applicationId));
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/applications/{applicationId}',
    operationId: 'updateApplication',
    summary: 'Update an application; fields left out keep their values, read-only fields are ignored',
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    body: ApplicationRequestSchema,
    status: 200,
    response: ApplicationSchema,
    async handler({ services, user, params, body }) {
      const current = await services.applications.get(user.id, params.applicationId);
      const app = await services.applications.update(user.id, current.id, writable(services, body, current));
      return presentApplication(services, user, app);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/applications/{applicationId}',
    operationId: 'removeApplication',
    summary: 'Delete an application: its keys, tokens, API keys and subscriptions go with it',
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    status: 200,
    async handler({ services, user, params }) {
      await services.applications.delete(user.id, params.applicationId);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/reset-throttle-policy',
    operationId: 'resetApplicationThrottlePolicy',
    summary: "Start the application tier's counters again from zero at every gateway",
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    body: ApplicationThrottleResetSchema,
    status: 200,
    async handler({ services, user, params }) {
      await services.applications.resetThrottling(user.id, params.applicationId);
    },
  }),
];

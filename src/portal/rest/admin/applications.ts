import { z } from 'zod';
import { notFound } from '../../../core/errors.ts';
import { TOKEN_TYPES, type Application } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { epochMs, id, msString } from '../common-schemas.ts';
import { PaginationSchema, pageInMemory, pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import { ADMIN_ACCESS } from './access.ts';

/** Admin v4 applications: every user's applications, to look at or delete (deletion revokes their keys, tokens and API keys). */

const tag = 'Applications';

export const AdminApplicationInfoSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  owner: z.string(),
  tokenType: z.enum(TOKEN_TYPES),
  createdTime: epochMs,
  status: z.string(),
  groupId: z.string(),
});

export const AdminApplicationListSchema = z.object({ count: z.number().int(), list: z.array(AdminApplicationInfoSchema), pagination: PaginationSchema });

export const AdminApplicationSchema = z.object({
  applicationId: z.string(),
  name: z.string(),
  throttlingPolicy: z.string(),
  description: z.string(),
  tokenType: z.enum(TOKEN_TYPES),
  status: z.string(),
  groups: z.array(z.string()),
  subscriptionCount: z.number().int(),
  attributes: z.record(z.string(), z.string()),
  owner: z.string(),
});

export const ADMIN_APPLICATION_SCHEMAS = { ApplicationInfo: AdminApplicationInfoSchema, ApplicationList: AdminApplicationListSchema, Application: AdminApplicationSchema } as const;

const ownerName = async (services: Services, app: Application) => (await services.users.findById(app.ownerId))?.username ?? '';

async function anyApplication(services: Services, applicationId: string): Promise<Application> {
  const app = await services.store.applications.findById(applicationId);
  if (!app) throw notFound('application');
  return app;
}

export const adminApplicationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/applications',
    operationId: 'getApplicationsOfAllUsers',
    summary: "Every user's applications, optionally of one user (`user`) or with one name (`name`)",
    tag,
    access: ADMIN_ACCESS,
    query: pageQuery.extend({
      user: z.string().max(100).optional(),
      name: z.string().max(100).optional(),
      tenantDomain: z.string().max(100).optional().meta({ description: 'Accepted for WSO2 compatibility: one organisation' }),
      sortBy: z.enum(['name', 'owner']).optional(),
      sortOrder: z.enum(['asc', 'desc']).optional(),
    }),
    status: 200,
    response: AdminApplicationListSchema,
    async handler({ services, query }) {
      const page = pageOf(query);
      const owner = query.user === undefined ? null : await services.users.findByUsername(query.user);
      if (query.user !== undefined && !owner) return paged([], 0, page, '/applications', { user: query.user, name: query.name });
      const all = owner ? (await services.store.applications.list({ ownerId: owner.id, limit: 100_000, offset: 0 })).items : await services.store.applications.listAll();
      const named = all.filter((a) => query.name === undefined || a.name === query.name);
      const withOwners = await Promise.all(named.map(async (a) => ({ app: a, owner: await ownerName(services, a) })));
      const key = query.sortBy === 'owner' ? (x: { owner: string; app: Application }) => x.owner : (x: { app: Application }) => x.app.name;
      withOwners.sort((a, b) => key(a).localeCompare(key(b)) * (query.sortOrder === 'desc' ? -1 : 1));
      const list = pageInMemory(withOwners, page).map(({ app, owner: o }) => ({
        applicationId: app.id,
        name: app.name,
        owner: o,
        tokenType: app.tokenType,
        createdTime: msString(app.createdAt),
        status: app.status,
        groupId: '',
      }));
      return paged(list, withOwners.length, page, '/applications', { user: query.user, name: query.name });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}',
    operationId: 'getApplicationOfAnyUser',
    summary: "Any user's application",
    tag: 'Application',
    access: ADMIN_ACCESS,
    params: z.object({ applicationId: id }),
    status: 200,
    response: AdminApplicationSchema,
    async handler({ services, params }) {
      const app = await anyApplication(services, params.applicationId);
      const { total } = await services.store.subscriptions.list({ applicationId: app.id, limit: 1, offset: 0 });
      return {
        applicationId: app.id,
        name: app.name,
        throttlingPolicy: app.throttlingPolicy,
        description: app.description,
        tokenType: app.tokenType,
        status: app.status,
        groups: [],
        subscriptionCount: total,
        attributes: app.attributes,
        owner: await ownerName(services, app),
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/applications/{applicationId}',
    operationId: 'deleteApplicationOfAnyUser',
    summary: "Delete any user's application: its keys, tokens, API keys and subscriptions go with it",
    tag: 'Application',
    access: ADMIN_ACCESS,
    params: z.object({ applicationId: id }),
    status: 200,
    async handler({ services, params }) {
      const app = await anyApplication(services, params.applicationId);
      await services.applications.delete(app.ownerId, app.id);
    },
  }),
];

import { z } from 'zod';
import { id } from '../common-schemas.ts';
import { pageInMemory, pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute, type AnyRoute } from '../route-table.ts';
import { TIER_MANAGE_ACCESS, TIER_VIEW_ACCESS } from './access.ts';
import { adminPolicy, policyInput } from './mappers.ts';
import { ThrottlePolicyListSchema, ThrottlePolicyRequestSchema, ThrottlePolicySchema } from './schemas.ts';

/** Admin v4 application and subscription throttling policies (WSO2 defaults are seeded at first start). */

const policyParams = z.object({ policyId: id });

function policyRoutes(level: 'application' | 'subscription'): AnyRoute[] {
  const base = `/throttling/policies/${level}`;
  const Level = level === 'application' ? 'Application' : 'Subscription';
  const tag = `${Level} Policy`;
  return [
    defineRoute({
      method: 'GET',
      path: base,
      operationId: `getAll${Level}ThrottlePolicies`,
      summary: `List ${level} throttling policies`,
      tag,
      access: TIER_VIEW_ACCESS,
      query: pageQuery,
      status: 200,
      response: ThrottlePolicyListSchema,
      async handler({ services, query }) {
        const page = pageOf(query);
        const all = await services.policies.list(level);
        return paged(pageInMemory(all, page).map(adminPolicy), all.length, page, base);
      },
    }),
    defineRoute({
      method: 'POST',
      path: base,
      operationId: `add${Level}ThrottlePolicy`,
      summary: `Add a ${level} throttling policy (409 on a duplicate name)`,
      tag,
      access: TIER_MANAGE_ACCESS,
      body: ThrottlePolicyRequestSchema,
      status: 201,
      response: ThrottlePolicySchema,
      async handler({ services, body, reply, request }) {
        const policy = await services.policies.create(level, policyInput(body));
        reply.header('location', `${request.url.split('?')[0]}/${policy.id}`);
        return adminPolicy(policy);
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${base}/{policyId}`,
      operationId: `get${Level}ThrottlePolicyById`,
      summary: `Get a ${level} throttling policy`,
      tag,
      access: TIER_VIEW_ACCESS,
      params: policyParams,
      status: 200,
      response: ThrottlePolicySchema,
      async handler({ services, params }) {
        return adminPolicy(await services.policies.get(level, params.policyId));
      },
    }),
    defineRoute({
      method: 'PUT',
      path: `${base}/{policyId}`,
      operationId: `update${Level}ThrottlePolicy`,
      summary: `Update a ${level} throttling policy (the name cannot change)`,
      tag,
      access: TIER_MANAGE_ACCESS,
      params: policyParams,
      body: ThrottlePolicyRequestSchema,
      status: 200,
      response: ThrottlePolicySchema,
      async handler({ services, params, body }) {
        return adminPolicy(await services.policies.update(level, params.policyId, policyInput(body)));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${base}/{policyId}`,
      operationId: `remove${Level}ThrottlePolicy`,
      summary: `Delete a ${level} throttling policy`,
      tag,
      access: TIER_MANAGE_ACCESS,
      params: policyParams,
      status: 200,
      async handler({ services, params }) {
        await services.policies.delete(level, params.policyId);
      },
    }),
  ];
}

export const adminPolicyRoutes = [...policyRoutes('application'), ...policyRoutes('subscription')];

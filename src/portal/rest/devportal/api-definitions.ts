import { z } from 'zod';
import { isLive } from '../../../core/api-service.ts';
import { notFound } from '../../../core/errors.ts';
import type { Api } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { id } from '../common-schemas.ts';
import { defineRoute } from '../route-table.ts';
import { PUBLIC_ACCESS } from './access.ts';
import { ApiDefinitionSchema, ThrottlingPolicyArraySchema } from './catalog-schemas.ts';
import { throttlingPolicy } from './mappers.ts';
import { gatewayUrl } from './presenters.ts';

/** A published API's OpenAPI document as the gateway serves it, and the subscription tiers it offers. */

const tag = 'APIs';
const apiParams = z.object({ apiId: id });

async function liveApi(services: Services, apiId: string): Promise<Api> {
  const api = await services.apis.get(apiId);
  if (!isLive(api)) throw notFound('API');
  return api;
}

/** OpenAPI 3.0 path templates name parameters; Gatehouse targets use `{name}` already, `*` becomes a tail parameter. */
const openApiPath = (target: string): string => target.replace(/\/\*$/, '/{path}');

/**
 * WSO2 returns the API's definition with the gateway's URL and the API's security: OAuth2 (the token
 * endpoint, client credentials, the API's scopes) and, where enabled, the `apikey` header.
 */
export function openApiDocument(api: Api, gateway: string, issuer: string): Record<string, unknown> {
  const schemes: Record<string, unknown> = {};
  const security: Array<Record<string, string[]>> = [];
  if (api.securityScheme.includes('oauth2')) {
    const scopes = Object.fromEntries(api.scopes.map((s) => [s.name, s.description || s.displayName]));
    schemes.default = { type: 'oauth2', flows: { clientCredentials: { tokenUrl: `${issuer}/oauth2/token`, scopes } } };
    security.push({ default: [] });
  }
  if (api.securityScheme.includes('api_key')) {
    schemes.ApiKeyAuth = { type: 'apiKey', name: 'apikey', in: 'header' };
    security.push({ ApiKeyAuth: [] });
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of api.operations) {
    const path = openApiPath(o.target);
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const operationSecurity = o.authType === 'None' ? [] : security.map((s) => ('default' in s ? { default: o.scopes } : s));
    (paths[path] ??= {})[o.verb.toLowerCase()] = {
      parameters: names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      responses: { default: { description: 'The backend response' } },
      security: operationSecurity,
      'x-auth-type': o.authType,
      'x-throttling-tier': o.throttlingPolicy,
      ...(o.scopes.length > 0 && { 'x-scope': o.scopes[0] }),
    };
  }
  return {
    openapi: '3.0.1',
    info: { title: api.name, version: api.version, ...(api.description && { description: api.description }) },
    servers: gateway ? [{ url: `${gateway}${api.context}/${api.version}` }] : [],
    security,
    paths,
    components: { securitySchemes: schemes },
    'x-wso2-basePath': `${api.context}/${api.version}`,
  };
}

export const apiDefinitionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}/swagger',
    operationId: 'getAPISwagger',
    summary: "The API's OpenAPI 3 document: gateway URL, resources, OAuth2 and API-key security schemes",
    tag,
    access: PUBLIC_ACCESS,
    params: apiParams,
    query: z.object({ environmentName: z.string().max(100).optional().meta({ description: 'Accepted for WSO2 compatibility: one gateway environment' }) }),
    status: 200,
    response: ApiDefinitionSchema,
    async handler({ services, params }) {
      return openApiDocument(await liveApi(services, params.apiId), gatewayUrl(services), services.issuer());
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}/subscription-policies',
    operationId: 'getSubscriptionPolicies',
    summary: 'The subscription tiers the API offers',
    tag,
    access: PUBLIC_ACCESS,
    params: apiParams,
    status: 200,
    response: ThrottlingPolicyArraySchema,
    async handler({ services, params }) {
      const api = await liveApi(services, params.apiId);
      const offered = new Map((await services.policies.list('subscription')).map((p) => [p.name, p]));
      return api.policies.flatMap((name) => (offered.has(name) ? [throttlingPolicy(offered.get(name)!)] : []));
    },
  }),
];

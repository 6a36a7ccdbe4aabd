import type { z } from 'zod';
import { LIFECYCLE_ACTIONS, type ApiInput } from '../../../core/api-service.ts';
import type { Api, LifecycleStatus } from '../../../core/model.ts';
import { normalizeRole } from '../../../core/openapi-import.ts';
import { msString } from '../common-schemas.ts';
import type { ApiOverridesSchema, ApiRequestSchema, LifecycleStateSchema, PublisherApiInfoSchema, PublisherApiSchema } from './schemas.ts';

/** Publisher v4 shapes ↔ the domain API. */

type ApiBody = z.output<typeof ApiRequestSchema> | z.output<typeof ApiOverridesSchema>;

/** WSO2 only adds these to securityScheme as modifiers; Gatehouse's two schemes are oauth2 and api_key. */
const SCHEME_MODIFIERS = new Set(['oauth_basic_auth_api_key_mandatory', 'api_key_mandatory', 'mutualssl_mandatory']);

/** WSO2 takes `pizza` for `/pizza`. */
const withLeadingSlash = (context: string): string => (context.startsWith('/') ? context : `/${context}`);

/** Request → service input. Fields the body leaves out keep the current API's values (PUT of a partial document). */
export function apiInput(body: ApiBody, current?: Api): ApiInput {
  const endpoints = body.endpointConfig;
  return {
    name: body.name ?? current?.name,
    context: body.context === undefined ? current?.context : withLeadingSlash(body.context),
    version: body.version ?? current?.version,
    description: body.description ?? current?.description,
    productionUrl: endpoints === undefined ? current?.productionUrl : (endpoints?.production_endpoints?.url ?? null),
    sandboxUrl: endpoints === undefined ? current?.sandboxUrl : (endpoints?.sandbox_endpoints?.url ?? null),
    operations:
      body.operations?.map((o) => ({
        target: o.target,
        verb: o.verb,
        authType: o.authType === 'Any' ? 'Application & Application User' : o.authType,
        throttlingPolicy: o.throttlingPolicy,
        scopes: o.scopes,
      })) ?? current?.operations,
    scopes:
      body.scopes?.map(({ scope }) => ({
        name: scope.name,
        displayName: scope.displayName,
        description: scope.description,
        bindings: (scope.bindings ?? []).map(normalizeRole),
      })) ?? current?.scopes,
    policies: body.policies ?? current?.policies,
    securityScheme: body.securityScheme?.filter((s) => !SCHEME_MODIFIERS.has(s)) ?? current?.securityScheme,
    apiThrottlingPolicy: body.apiThrottlingPolicy === undefined ? current?.apiThrottlingPolicy : body.apiThrottlingPolicy,
    backendJwt: body.backendJwt ?? current?.backendJwt,
  };
}

export function publisherApiInfo(api: Api, provider: string): z.input<typeof PublisherApiInfoSchema> {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    context: api.context,
    version: api.version,
    provider,
    lifeCycleStatus: api.lifeCycleStatus,
    type: 'HTTP',
    securityScheme: api.securityScheme,
    createdTime: msString(api.createdAt),
    lastUpdatedTime: msString(api.updatedAt),
  };
}

export function publisherApi(api: Api, provider: string): z.input<typeof PublisherApiSchema> {
  const usage = (name: string) => api.operations.filter((o) => o.scopes.includes(name)).length;
  return {
    ...publisherApiInfo(api, provider),
    transport: ['http', 'https'],
    endpointConfig: {
      endpoint_type: 'http',
      ...(api.productionUrl && { production_endpoints: { url: api.productionUrl } }),
      ...(api.sandboxUrl && { sandbox_endpoints: { url: api.sandboxUrl } }),
    },
    operations: api.operations.map((o, i) => ({ id: String(i), ...o })),
    scopes: api.scopes.map((s) => ({ scope: { id: s.name, ...s, usageCount: usage(s.name) }, shared: false })),
    policies: api.policies,
    securityScheme: api.securityScheme,
    ...(api.apiThrottlingPolicy !== null && { apiThrottlingPolicy: api.apiThrottlingPolicy }),
    backendJwt: api.backendJwt,
  };
}

/** WSO2 names lifecycle states in title case ("Published"). */
export const stateName = (status: LifecycleStatus): string => status.charAt(0) + status.slice(1).toLowerCase();

export function lifecycleState(api: Api): z.input<typeof LifecycleStateSchema> {
  return {
    state: stateName(api.lifeCycleStatus),
    checkItems: [],
    availableTransitions: Object.entries(LIFECYCLE_ACTIONS)
      .filter(([, t]) => t.from.includes(api.lifeCycleStatus))
      .map(([event, t]) => ({ event, targetState: stateName(t.to) })),
  };
}

import { z } from 'zod';
import { isLive } from '../../../core/api-service.ts';
import { notFound } from '../../../core/errors.ts';
import { GRANT_TYPES } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { id } from '../common-schemas.ts';
import { searchApis } from '../api-search.ts';
import { pageInMemory, pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import { DEVPORTAL_SCOPES, KEY_MANAGER_ACCESS, PUBLIC_ACCESS, SETTINGS_ACCESS } from './access.ts';
import { ApiListSchema, ApiSchema, KeyManagerListSchema, SettingsSchema, ThrottlingPolicyListSchema, ThrottlingPolicySchema } from './catalog-schemas.ts';
import { RESIDENT_KEY_MANAGER, apiDetails, throttlingPolicy } from './mappers.ts';
import { gatewayUrl, presentApiInfo, usernameOf } from './presenters.ts';

/** Devportal v3 catalogue: published APIs, tiers, settings and the key manager. */

const policyLevel = z.enum(['application', 'subscription']);

function applicationConfiguration(services: Services) {
  const input = (name: string, label: string, value: number) => ({
    name, label, type: 'input', required: false, mask: false, multiple: false, tooltip: `${label} in seconds (negative = never expires)`, default: value, values: [],
  });
  return [
    input('application_access_token_expiry_time', 'Application Access Token Expiry Time', services.config.applicationTokenTtlSeconds),
    input('user_access_token_expiry_time', 'User Access Token Expiry Time', services.config.userTokenTtlSeconds),
    input('refresh_token_expiry_time', 'Refresh Token Expiry Time', services.config.refreshTokenTtlSeconds),
    { name: 'pkceMandatory', label: 'Enable PKCE', type: 'checkbox', required: false, mask: false, multiple: false, tooltip: 'Require PKCE (S256) for the authorization code grant', default: false, values: [] },
  ];
}

export const catalogRoutes = [
  defineRoute({
    method: 'GET',
    path: '/apis',
    operationId: 'getAllAPIs',
    summary: 'List published APIs (anonymous access allowed)',
    tag: 'APIs',
    access: PUBLIC_ACCESS,
    query: pageQuery.extend({ query: z.string().max(200).optional().meta({ description: 'name:<text>, context:<text> or free text' }) }),
    status: 200,
    response: ApiListSchema,
    async handler({ services, query }) {
      const page = pageOf(query);
      const result = await searchApis(services, page, query.query, true);
      const list = await Promise.all(result.items.map((api) => presentApiInfo(services, api)));
      return paged(list, result.total, page, '/apis', { query: query.query });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}',
    operationId: 'getAPIById',
    summary: 'Get a published API with its operations, scopes and tiers',
    tag: 'APIs',
    access: PUBLIC_ACCESS,
    params: z.object({ apiId: id }),
    status: 200,
    response: ApiSchema,
    async handler({ services, params }) {
      const api = await services.apis.get(params.apiId);
      if (!isLive(api)) throw notFound('API');
      return apiDetails(api, await usernameOf(services, api.providerId), gatewayUrl(services));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/throttling-policies/{policyLevel}',
    operationId: 'getAllThrottlingPolicies',
    summary: 'List application or subscription tiers',
    tag: 'Throttling Policies',
    access: PUBLIC_ACCESS,
    params: z.object({ policyLevel }),
    query: pageQuery,
    status: 200,
    response: ThrottlingPolicyListSchema,
    async handler({ services, params, query }) {
      const page = pageOf(query);
      const all = await services.policies.list(params.policyLevel);
      return paged(pageInMemory(all, page).map(throttlingPolicy), all.length, page, `/throttling-policies/${params.policyLevel}`);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/throttling-policies/{policyLevel}/{policyId}',
    operationId: 'getThrottlingPolicyByName',
    summary: 'Get a tier by name',
    tag: 'Throttling Policies',
    access: PUBLIC_ACCESS,
    params: z.object({ policyLevel, policyId: id.meta({ description: 'The tier name, as in WSO2' }) }),
    status: 200,
    response: ThrottlingPolicySchema,
    async handler({ services, params }) {
      const policy = (await services.policies.list(params.policyLevel)).find((p) => p.name === params.policyId);
      if (!policy) throw notFound('throttling policy');
      return throttlingPolicy(policy);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/settings',
    operationId: 'getSettings',
    summary: 'Developer Portal settings',
    tag: 'Settings',
    access: SETTINGS_ACCESS,
    status: 200,
    response: SettingsSchema,
    async handler({ services }) {
      return {
        grantTypes: [...GRANT_TYPES],
        scopes: Object.keys(DEVPORTAL_SCOPES),
        applicationSharingEnabled: false,
        mapExistingAuthApps: true,
        apiGatewayEndpoint: gatewayUrl(services),
        monetizationEnabled: false,
        recommendationEnabled: false,
        IsUnlimitedTierPaid: false,
        identityProvider: { external: false },
        IsAnonymousModeEnabled: true,
        IsPasswordChangeEnabled: true,
        IsJWTEnabledForLoginTokens: false,
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/key-managers',
    operationId: 'getAllKeyManagers',
    summary: 'The key managers applications can use (the Resident Key Manager)',
    tag: 'Key Managers',
    access: KEY_MANAGER_ACCESS,
    status: 200,
    response: KeyManagerListSchema,
    async handler({ services }) {
      const issuer = services.issuer();
      const resident = {
        id: 'resident',
        name: RESIDENT_KEY_MANAGER,
        type: 'default',
        displayName: RESIDENT_KEY_MANAGER,
        description: 'The Gatehouse OAuth2 authorization server',
        enabled: true,
        availableGrantTypes: [...GRANT_TYPES],
        tokenEndpoint: `${issuer}/oauth2/token`,
        revokeEndpoint: `${issuer}/oauth2/revoke`,
        enableTokenGeneration: true,
        enableTokenEncryption: false,
        enableTokenHashing: true,
        enableOAuthAppCreation: true,
        enableMapOAuthConsumerApps: true,
        applicationConfiguration: applicationConfiguration(services),
        additionalProperties: { introspectionEndpoint: `${issuer}/oauth2/introspect`, jwksEndpoint: `${issuer}/oauth2/jwks`, issuer },
        tokenType: 'DIRECT',
      };
      return { count: 1, list: [resident] };
    },
  }),
];

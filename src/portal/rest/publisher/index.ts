import type { RestApi } from '../route-table.ts';
import { PUBLISHER_SCOPES } from './access.ts';
import { publisherApiRoutes } from './apis.ts';
import { importRoutes } from './import.ts';
import { PUBLISHER_DEFINITION_SCHEMAS, publisherDefinitionRoutes } from './definitions.ts';
import { PUBLISHER_SCHEMAS } from './schemas.ts';
import { PUBLISHER_SUBSCRIPTION_SCHEMAS, publisherSubscriptionRoutes } from './subscriptions.ts';
import { PUBLISHER_USAGE_SCHEMAS, publisherUsageRoutes } from './usage.ts';

/** WSO2 Publisher REST API v4. */
export const publisherApi: RestApi = {
  title: 'Gatehouse Publisher API',
  version: 'v4',
  description: 'WSO2 API Manager publisher v4 compatible: APIs, resources, scopes, tiers offered, lifecycle and OpenAPI import.',
  basePath: '/api/am/publisher/v4',
  routes: [...publisherApiRoutes, ...importRoutes, ...publisherSubscriptionRoutes, ...publisherDefinitionRoutes, ...publisherUsageRoutes],
  schemas: { ...PUBLISHER_SCHEMAS, ...PUBLISHER_SUBSCRIPTION_SCHEMAS, ...PUBLISHER_DEFINITION_SCHEMAS, ...PUBLISHER_USAGE_SCHEMAS },
  scopes: PUBLISHER_SCOPES,
};

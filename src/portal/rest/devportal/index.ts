import type { RestApi } from '../route-table.ts';
import { DEVPORTAL_SCOPES } from './access.ts';
import { apiDefinitionRoutes } from './api-definitions.ts';
import { API_KEY_BINDING_SCHEMAS } from './api-key-binding-schemas.ts';
import { APPLICATION_ATTRIBUTE_SCHEMAS, applicationAttributeRoutes } from './application-attributes.ts';
import { ApplicationImportRequestSchema, applicationExportRoutes } from './application-export.ts';
import { apiKeyBindingRoutes } from './api-key-bindings.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { APPLICATION_SCHEMAS } from './application-schemas.ts';
import { applicationRoutes } from './applications.ts';
import { CATALOG_SCHEMAS } from './catalog-schemas.ts';
import { catalogRoutes } from './catalog.ts';
import { keyMappingRoutes } from './key-mapping.ts';
import { PasswordChangeRequestSchema, meRoutes } from './me.ts';
import { keySecretRoutes } from './key-secrets.ts';
import { legacyKeyRoutes } from './legacy-keys.ts';
import { oauthKeyRoutes } from './oauth-keys.ts';
import { SECURITY_SCHEMAS, securityEventRoutes } from './security-events.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { USAGE_SCHEMAS, usageRoutes } from './usage.ts';

/** WSO2 Developer Portal REST API v3. */
export const devportalApi: RestApi = {
  title: 'Gatehouse Developer Portal API',
  version: 'v3',
  description: 'WSO2 API Manager devportal v3 compatible: applications, keys, tokens, API keys, subscriptions and the API catalogue.',
  basePath: '/api/am/devportal/v3',
  routes: [...catalogRoutes, ...apiDefinitionRoutes, ...applicationRoutes, ...oauthKeyRoutes, ...keySecretRoutes, ...keyMappingRoutes, ...legacyKeyRoutes, ...apiKeyRoutes, ...apiKeyBindingRoutes, ...applicationAttributeRoutes, ...applicationExportRoutes, ...meRoutes, ...subscriptionRoutes, ...securityEventRoutes, ...usageRoutes],
  schemas: { ...APPLICATION_SCHEMAS, ...CATALOG_SCHEMAS, ...SECURITY_SCHEMAS, ...API_KEY_BINDING_SCHEMAS, ...APPLICATION_ATTRIBUTE_SCHEMAS, ApplicationImport: ApplicationImportRequestSchema, CurrentAndNewPasswords: PasswordChangeRequestSchema, ...USAGE_SCHEMAS },
  scopes: DEVPORTAL_SCOPES,
};

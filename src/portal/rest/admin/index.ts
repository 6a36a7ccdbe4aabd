import type { RestApi } from '../route-table.ts';
import { ADMIN_SCOPES } from './access.ts';
import { ADMIN_APPLICATION_SCHEMAS, adminApplicationRoutes } from './applications.ts';
import { LEAK_SCHEMAS, adminLeakRoutes } from './leaks.ts';
import { adminPolicyRoutes } from './policies.ts';
import { ADMIN_SCHEMAS } from './schemas.ts';
import { ADMIN_USAGE_SCHEMAS, adminUsageRoutes } from './usage.ts';
import { adminUserRoutes } from './users.ts';

/** WSO2 Admin REST API v4 (throttling policies), plus Gatehouse users and roles. */
export const adminApi: RestApi = {
  title: 'Gatehouse Admin API',
  version: 'v4',
  description: 'WSO2 API Manager admin v4 compatible: application and subscription throttling policies; users and roles.',
  basePath: '/api/am/admin/v4',
  routes: [...adminPolicyRoutes, ...adminUserRoutes, ...adminLeakRoutes, ...adminApplicationRoutes, ...adminUsageRoutes],
  schemas: { ...ADMIN_SCHEMAS, ...LEAK_SCHEMAS, ...ADMIN_APPLICATION_SCHEMAS, ...ADMIN_USAGE_SCHEMAS },
  scopes: ADMIN_SCOPES,
};

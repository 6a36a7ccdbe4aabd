import type { Access } from '../auth.ts';

/** Admin v4 scopes (WSO2 admin-api.yaml; any one of them suffices). */
export const TIER_VIEW_ACCESS: Access = { scopes: ['apim:admin', 'apim:tier_view', 'apim:admin_tier_view', 'apim:tier_manage', 'apim:admin_tier_manage'] };
export const TIER_MANAGE_ACCESS: Access = { scopes: ['apim:admin', 'apim:tier_manage', 'apim:admin_tier_manage'] };
export const ADMIN_ACCESS: Access = { scopes: ['apim:admin'] };

export const ADMIN_SCOPES: Record<string, string> = {
  'apim:admin': 'Manage everything: users, roles and throttling policies',
  'apim:tier_view': 'View throttling policies',
  'apim:tier_manage': 'Manage throttling policies',
  'apim:admin_tier_view': 'View throttling policies',
  'apim:admin_tier_manage': 'Manage throttling policies',
};

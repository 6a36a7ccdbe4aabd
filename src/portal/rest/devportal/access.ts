import type { Access } from '../auth.ts';

/** Devportal v3 scopes per resource family (WSO2 devportal-api.yaml; any one of them suffices). */
export const APP_ACCESS: Access = { scopes: ['apim:subscribe', 'apim:app_manage'] };
export const APP_LIST_ACCESS: Access = { scopes: ['apim:subscribe', 'apim:app_manage', 'apim:app_import_export'] };
export const SUBSCRIPTION_ACCESS: Access = { scopes: ['apim:subscribe', 'apim:sub_manage'] };
export const API_KEY_ACCESS: Access = { scopes: ['apim:api_key', 'apim:subscribe', 'apim:app_manage'] };
export const SETTINGS_ACCESS: Access = { scopes: ['apim:store_settings', 'apim:subscribe'] };
/** WSO2: `POST /me/change-password` needs apim:subscribe. */
export const ME_ACCESS: Access = { scopes: ['apim:subscribe'] };
export const KEY_MANAGER_ACCESS: Access = { scopes: ['apim:subscribe', 'apim:app_manage'] };
/** WSO2 lets anyone browse published APIs and tiers. */
export const PUBLIC_ACCESS: Access = { anonymous: true };

export const DEVPORTAL_SCOPES: Record<string, string> = {
  'apim:subscribe': 'Subscribe to APIs and manage own applications',
  'apim:app_manage': 'Manage applications and their keys',
  'apim:sub_manage': 'Manage subscriptions',
  'apim:api_key': 'Generate and revoke API keys',
  'apim:store_settings': 'Read Developer Portal settings',
  'apim:app_import_export': 'List applications (import/export)',
};

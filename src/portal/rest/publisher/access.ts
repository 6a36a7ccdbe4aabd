import type { Access } from '../auth.ts';

/** Publisher v4 scopes (WSO2 publisher-api.yaml; any one of them suffices). */
export const VIEW_ACCESS: Access = { scopes: ['apim:api_view', 'apim:api_create', 'apim:api_publish', 'apim:api_manage'] };
export const CREATE_ACCESS: Access = { scopes: ['apim:api_create', 'apim:api_manage'] };
export const DELETE_ACCESS: Access = { scopes: ['apim:api_delete', 'apim:api_manage'] };
export const PUBLISH_ACCESS: Access = { scopes: ['apim:api_publish', 'apim:api_manage'] };
export const SUBSCRIPTION_VIEW_ACCESS: Access = { scopes: ['apim:api_view', 'apim:subscription_view', 'apim:subscription_manage'] };
export const SUBSCRIPTION_BLOCK_ACCESS: Access = { scopes: ['apim:subscription_block', 'apim:subscription_manage'] };

export const PUBLISHER_SCOPES: Record<string, string> = {
  'apim:api_view': 'View APIs',
  'apim:api_create': 'Create and update APIs',
  'apim:api_publish': 'Change the lifecycle of APIs',
  'apim:api_delete': 'Delete APIs',
  'apim:api_manage': 'Manage APIs (all of the above)',
  'apim:subscription_view': "View subscriptions to one's APIs",
  'apim:subscription_block': "Block and unblock subscriptions to one's APIs",
  'apim:subscription_manage': "View, block and unblock subscriptions to one's APIs",
};

import type { Api, OAuthClient, Role, User } from './model.ts';
import type { Repositories } from '../store/ports.ts';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export const DEFAULT_SCOPE = 'default';

/** Parses a scope parameter; returns null when any token breaks the grammar (T14). */
export function parseScopeParameter(value: string | undefined): string[] | null {
  if (value === undefined) return [];
  const tokens = value.split(' ').filter((t) => t !== '');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return null;
  return [...new Set(tokens)];
}

export const isValidScopeName = (name: string): boolean => SCOPE_TOKEN.test(name) && name.length <= 255;

/** The REST API scopes each role may obtain (WSO2 devportal v3, publisher v4, admin v4 catalogues). */
const REST_SCOPES_BY_ROLE: Record<Role, readonly string[]> = {
  subscriber: ['apim:subscribe', 'apim:app_manage', 'apim:sub_manage', 'apim:api_key', 'apim:store_settings'],
  publisher: ['apim:api_create', 'apim:api_publish', 'apim:api_view', 'apim:api_delete', 'apim:api_manage', 'apim:publisher_settings', 'apim:subscription_view', 'apim:subscription_block', 'apim:subscription_manage'],
  admin: ['apim:admin', 'apim:admin_tier_view', 'apim:admin_tier_manage', 'apim:tier_view', 'apim:tier_manage'],
};

export const ALL_REST_SCOPES: readonly string[] = [...new Set(Object.values(REST_SCOPES_BY_ROLE).flat())];

/** Admins may do everything; other roles get their own catalogue. */
export function restScopesFor(roles: readonly Role[]): Set<string> {
  if (roles.includes('admin')) return new Set(ALL_REST_SCOPES);
  return new Set(roles.flatMap((r) => REST_SCOPES_BY_ROLE[r]));
}

/**
 * Scope issuance (SPEC §4): of the requested scopes, keep those defined on an API the application is
 * subscribed to and whose role bindings the token's subject holds (no bindings = any role). The
 * subject is the user for user tokens and the application's owner for application tokens, as in WSO2
 * (its JDBCScopeValidator checks the application owner's roles for client_credentials). `roles` null
 * means no subject could be found, so only unbound scopes pass. Nothing left → `default`.
 */
export function grantApplicationScopes(requested: readonly string[], subscribedApis: readonly Api[], roles: readonly Role[] | null): string[] {
  const definitions = new Map(subscribedApis.flatMap((api) => api.scopes.map((s) => [s.name, s] as const)));
  const granted = requested.filter((name) => {
    const definition = definitions.get(name);
    if (!definition) return false;
    if (definition.bindings.length === 0) return true;
    return roles !== null && definition.bindings.some((role) => (roles as readonly string[]).includes(role));
  });
  return granted.length > 0 ? granted : [DEFAULT_SCOPE];
}

/** REST clients: requested `apim:*` scopes limited by the user's roles. */
export function grantRestScopes(requested: readonly string[], user: User | null): string[] {
  const allowed = user ? restScopesFor(user.roles) : new Set<string>();
  const granted = requested.filter((s) => allowed.has(s));
  return granted.length > 0 ? granted : [DEFAULT_SCOPE];
}

/**
 * Roles that role-bound scopes are checked against: the user's for a user token, else the roles of
 * the application's owner (a disabled or missing owner holds none).
 */
async function subjectRoles(tx: Repositories, client: OAuthClient, user: User | null): Promise<Role[] | null> {
  if (user) return user.roles;
  const owner = await tx.users.findById(client.ownerId);
  return owner && !owner.disabled ? owner.roles : null;
}

/**
 * SPEC §4 scope issuance for this client and (optional) user: REST clients get `apim:*` scopes limited
 * by the user's roles; application keys get scopes of the APIs their application is subscribed to
 * (blocked subscriptions excluded), role-bound ones only if the subject holds the role.
 */
export async function grantScopes(tx: Repositories, client: OAuthClient, requested: readonly string[], user: User | null): Promise<string[]> {
  if (client.kind === 'rest') return grantRestScopes(requested, user);
  if (!client.applicationId || requested.length === 0) return [DEFAULT_SCOPE];
  const subscriptions = await tx.subscriptions.listByApplication(client.applicationId);
  const apis = [];
  for (const subscription of subscriptions) {
    if (subscription.status === 'BLOCKED') continue;
    const api = await tx.apis.findById(subscription.apiId);
    if (api) apis.push(api);
  }
  return grantApplicationScopes(requested, apis, await subjectRoles(tx, client, user));
}

import { ipAllowed, parseIpList, refererMatcher } from '../core/ip-match.ts';
import type { Api, ApiKeyRecord, Application, Operation, Subscription } from '../core/model.ts';
import type { Principal } from './authenticate.ts';
import type { Denial } from './outcomes.ts';
import type { GatewayState } from './state.ts';

export type AuthzOutcome = { ok: true; subscription: Subscription; application: Application } | { ok: false; denial: Denial; scopes?: readonly string[] };

export interface RequestFacts {
  clientIp: string;
  referer: string | undefined;
}

/** Compiled API-key restrictions, cached per key (the lists never change for a key). */
const restrictionCache = new WeakMap<ApiKeyRecord, (facts: RequestFacts) => boolean>();

function restrictionsOf(key: ApiKeyRecord): (facts: RequestFacts) => boolean {
  let check = restrictionCache.get(key);
  if (!check) {
    const ips = key.permittedIps.length > 0 ? parseIpList(key.permittedIps) : null;
    const referers = key.permittedReferers.length > 0 ? referersOf(key) : null;
    // A referer restriction with no Referer header fails (WSO2 ApiKeyAuthenticator).
    check = (facts) => (!ips || ipAllowed(ips, facts.clientIp)) && (!referers || (facts.referer !== undefined && referers(facts.referer)));
    restrictionCache.set(key, check);
  }
  return check;
}

/** A pattern stored before the stricter parser (say `shop*.example.com`) fails closed: no Referer matches. */
function referersOf(key: ApiKeyRecord): (referer: string) => boolean {
  try {
    return refererMatcher(key.permittedReferers);
  } catch {
    return () => false;
  }
}

const AUTH_TYPE_ALLOWS: Record<Operation['authType'], (p: Principal) => boolean> = {
  'Application & Application User': () => true,
  Application: (p) => p.aut === 'APPLICATION',
  'Application User': (p) => p.aut === 'APPLICATION_USER',
  None: () => true,
};

/** Configuration of the checks (not replicated state). */
export interface AuthzPolicy {
  /** WSO2 validates API keys by signature and subscription only; Gatehouse does so only when configured (`apiKeyScopes: ignore`). */
  apiKeysSkipScopes: boolean;
}

/**
 * SPEC §5, second part: the credential's kind is accepted by the API, the application is subscribed
 * (checked on every call, for every credential type: G15, WSO2-2021-1487), an API key bound to an API
 * is used for that API, API-key restrictions hold, the key type has an endpoint, the token type suits
 * the resource, and it carries one of the resource's scopes.
 */
export function authorize(state: GatewayState, policy: AuthzPolicy, principal: Principal, api: Api, operation: Operation, facts: RequestFacts): AuthzOutcome {
  const scheme = principal.credential === 'apikey' ? 'api_key' : 'oauth2';
  if (!api.securityScheme.includes(scheme)) return { ok: false, denial: principal.credential === 'apikey' ? 'MISSING_CREDENTIALS' : 'INVALID_CREDENTIALS' };
  // WSO2 per-API keys: a key bound to an API is valid for that API only (a key made for an API and not
  // associated with an application has no application, so no subscription either).
  if (principal.apiKey?.apiId && principal.apiKey.apiId !== api.id) return { ok: false, denial: 'NOT_SUBSCRIBED' };
  const subscription = state.subscription(principal.applicationId, api.id);
  const application = state.applications.get(principal.applicationId);
  if (!subscription || !application) return { ok: false, denial: 'NOT_SUBSCRIBED' };
  if (subscription.status === 'BLOCKED' || (subscription.status === 'PROD_ONLY_BLOCKED' && principal.keyType === 'PRODUCTION')) {
    return { ok: false, denial: 'SUBSCRIPTION_BLOCKED' };
  }
  if (principal.apiKey && !restrictionsOf(principal.apiKey)(facts)) return { ok: false, denial: 'RESTRICTED' };
  if (principal.keyType === 'SANDBOX' && !api.sandboxUrl) return { ok: false, denial: 'NO_SANDBOX_ENDPOINT' };
  if (principal.keyType === 'PRODUCTION' && !api.productionUrl) return { ok: false, denial: 'NO_PRODUCTION_ENDPOINT' };
  if (!AUTH_TYPE_ALLOWS[operation.authType](principal)) return { ok: false, denial: 'WRONG_TOKEN_TYPE' };
  if (operation.scopes.length > 0 && !(principal.credential === 'apikey' && policy.apiKeysSkipScopes) && !operation.scopes.some((s) => principal.scopes.includes(s))) {
    return { ok: false, denial: 'INSUFFICIENT_SCOPE', scopes: operation.scopes };
  }
  return { ok: true, subscription, application };
}

import { isLive } from '../../../core/api-service.ts';
import { issueApplicationToken } from '../../../core/application-tokens.ts';
import { invalid } from '../../../core/errors.ts';
import type { Api, Application, OAuthClient, Operation } from '../../../core/model.ts';
import type { IssuedTokens } from '../../../core/token-service.ts';
import { integer } from '../../../core/validate.ts';
import type { Services } from '../../../runtime/services.ts';
import { gatewayUrl } from './app-shell.ts';

/** The live APIs an application is subscribed to (blocked subscriptions excluded). */
export async function subscribedApis(services: Services, application: Application): Promise<Api[]> {
  const apis: Api[] = [];
  for (const subscription of await services.store.subscriptions.listByApplication(application.id)) {
    if (subscription.status === 'BLOCKED') continue;
    const api = await services.store.apis.findById(subscription.apiId);
    if (api && isLive(api)) apis.push(api);
  }
  return apis;
}

export interface ScopeOption {
  name: string;
  label: string;
}

/** The scope picker offers the scopes of the subscribed APIs: the only ones a token can get (SPEC §4). */
export function scopeOptions(apis: readonly Api[]): ScopeOption[] {
  return apis.flatMap((api) =>
    api.scopes.map((s) => ({ name: s.name, label: `${s.name} — ${s.displayName !== s.name ? `${s.displayName}, ` : ''}${api.name} ${api.version}` })),
  );
}

/**
 * "Generate Access Token" of the Developer Portal: an application token (client_credentials, as WSO2's
 * portal does) with the chosen validity (negative = never expires) and the scopes that survive issuance.
 */
export async function issueAccessToken(
  services: Services,
  o: { application: Application; client: OAuthClient; validityPeriod: string | undefined; scopes: readonly string[] },
): Promise<IssuedTokens> {
  const raw = o.validityPeriod?.trim() ?? '';
  if (o.scopes.length > 100) throw invalid('scopes', 'Choose at most 100 scopes.');
  return issueApplicationToken(services, {
    client: o.client,
    tokenType: o.application.tokenType,
    validityPeriod: raw === '' ? undefined : integer('validityPeriod', raw),
    scopes: o.scopes,
  });
}

const hasParams = (op: Operation) => op.target.includes('{');

/**
 * The resource a sample call should use: one the token's scopes actually protect (issue 15 §2), else
 * an unscoped one, else any; among those a GET without path parameters if possible.
 */
function sampleOperation(api: Api, scopes: readonly string[]): Operation | undefined {
  const protectedByScope = api.operations.filter((op) => op.scopes.some((s) => scopes.includes(s)));
  const open = api.operations.filter((op) => op.scopes.length === 0);
  const rank = (op: Operation) => (op.verb === 'GET' ? 0 : 2) + (hasParams(op) ? 1 : 0);
  const pool = protectedByScope.length > 0 ? protectedByScope : open.length > 0 ? open : api.operations;
  return [...pool].sort((a, b) => rank(a) - rank(b))[0];
}

/** The token endpoint an application calls itself (RFC 6749 §3.2). */
export const tokenEndpoint = (services: Services): string => `${services.issuer()}/oauth2/token`;

/**
 * WSO2's "CURL to Generate Access Token": the client credentials grant with HTTP Basic client
 * authentication (RFC 6749 §4.4, §2.3.1). The secret is filled in only while it is on screen.
 */
export function tokenCurl(services: Services, o: { consumerKey: string; consumerSecret: string | null; scopes: readonly string[] }): string {
  const secret = o.consumerSecret ?? '<consumer-secret>';
  const scope = o.scopes.length > 0 ? ` -d "scope=${o.scopes.join(' ')}"` : '';
  return `curl -u "${o.consumerKey}:${secret}" -d "grant_type=client_credentials"${scope} "${tokenEndpoint(services)}"`;
}

export function resourceUrl(services: Services, api: Api, op: Operation | undefined): string {
  const target = !op || op.target === '/*' ? '/' : op.target.replace(/\/\*$/, '/');
  return `${gatewayUrl(services)}${api.context}/${api.version}${target}`;
}

export interface SampleCall {
  api: Api;
  command: string;
}

/**
 * Ready-to-copy curl commands against the gateway, one per subscribed API (at most five). API keys
 * carry no scopes, so for them only APIs with an unscoped resource are offered.
 */
export function curlCommands(services: Services, apis: readonly Api[], credential: { header: 'Authorization' | 'apikey'; value: string; scopes?: readonly string[] }): SampleCall[] {
  const usable = credential.header === 'apikey' ? apis.filter((a) => a.operations.some((op) => op.scopes.length === 0)) : apis;
  return usable.slice(0, 5).map((api) => {
    const op = sampleOperation(api, credential.scopes ?? []);
    const verb = op && op.verb !== 'GET' ? `-X ${op.verb} ` : '';
    const header = credential.header === 'Authorization' ? `Authorization: Bearer ${credential.value}` : `apikey: ${credential.value}`;
    return { api, command: `curl ${verb}-H "${header}" "${resourceUrl(services, api, op)}"` };
  });
}

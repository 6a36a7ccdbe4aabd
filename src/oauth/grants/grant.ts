import type { GrantType, OAuthClient, TokenType, User } from '../../core/model.ts';
import { grantApplicationScopes, grantRestScopes } from '../../core/scopes.ts';
import type { IssuedTokens } from '../../core/token-service.ts';
import type { Repositories } from '../../store/ports.ts';
import type { KeyManagerDeps } from '../deps.ts';
import type { Form } from '../form.ts';

export interface GrantContext {
  deps: KeyManagerDeps;
  client: OAuthClient;
  /** JWT or opaque, from the client's application. */
  tokenType: TokenType;
  form: Form;
  /** The parsed `scope` parameter (empty when omitted). */
  requestedScopes: string[];
  ip: string;
}

/** RFC 6749 §5.1 success body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in?: number;
  scope: string;
  refresh_token?: string;
}

/** Every grant is a module of this shape (node-oidc-provider's lib/actions/grants). */
export interface Grant {
  grantType: GrantType;
  handle(context: GrantContext): Promise<TokenResponse>;
}

export function tokenResponse(issued: IssuedTokens): TokenResponse {
  return {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    // A never-expiring token has no meaningful expires_in, so none is sent.
    ...(issued.expiresIn !== null && { expires_in: issued.expiresIn }),
    scope: issued.scopes.join(' '),
    ...(issued.refreshToken && { refresh_token: issued.refreshToken }),
  };
}

/** SPEC §4 scope issuance for this client and (optional) user. */
export async function grantScopes(tx: Repositories, client: OAuthClient, requested: readonly string[], user: User | null): Promise<string[]> {
  if (client.kind === 'rest') return grantRestScopes(requested, user);
  if (!client.applicationId || requested.length === 0) return grantApplicationScopes([], [], user);
  const subscriptions = await tx.subscriptions.listByApplication(client.applicationId);
  const apis = [];
  for (const subscription of subscriptions) {
    if (subscription.status === 'BLOCKED') continue;
    const api = await tx.apis.findById(subscription.apiId);
    if (api) apis.push(api);
  }
  return grantApplicationScopes(requested, apis, user);
}

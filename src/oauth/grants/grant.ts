import type { GrantType, OAuthClient, TokenType } from '../../core/model.ts';
import type { IssuedTokens } from '../../core/token-service.ts';
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

/** Scope issuance lives in core so the REST APIs' generate-token shares it. */
export { grantScopes } from '../../core/scopes.ts';

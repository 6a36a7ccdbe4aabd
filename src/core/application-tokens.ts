import type { Changes } from './changes.ts';
import { invalid } from './errors.ts';
import type { OAuthClient, TokenType } from './model.ts';
import type { Random } from './random.ts';
import { grantScopes } from './scopes.ts';
import type { IssuedTokens, TokenService } from './token-service.ts';
import type { Store } from '../store/ports.ts';

export interface ApplicationTokenDeps {
  store: Store;
  changes: Changes;
  tokens: TokenService;
  random: Random;
}

export interface ApplicationTokenRequest {
  client: OAuthClient;
  tokenType: TokenType;
  /** Seconds; negative = never expires; undefined = the key's application-token validity. */
  validityPeriod?: number | undefined;
  scopes: readonly string[];
  /** A token of this client to revoke once the new one is issued (WSO2 `revokeToken`). */
  revokeToken?: string | undefined;
}

/**
 * The Developer Portal's "generate access token" (WSO2 generate-token and the initial token of
 * generate-keys): a client_credentials token for an application's keys, issued without the client
 * authenticating because the key's owner asked for it. Scopes follow the same rules as the token
 * endpoint (SPEC §4), and the grant must be enabled for the key, as at the token endpoint.
 */
export async function issueApplicationToken(deps: ApplicationTokenDeps, request: ApplicationTokenRequest): Promise<IssuedTokens> {
  const { client } = request;
  if (!client.grantTypes.includes('client_credentials')) {
    throw invalid('grantType', 'the client_credentials grant is not enabled for these keys');
  }
  const ttlSeconds = request.validityPeriod ?? client.appTokenTtlSeconds;
  deps.tokens.validitySeconds(ttlSeconds);
  const issued = await deps.tokens.issue({
    client,
    tokenType: request.tokenType,
    user: null,
    scopes: await grantScopes(deps.store, client, request.scopes, null),
    grantId: deps.random.uuid(),
    ttlSeconds,
    withRefreshToken: false,
  });
  // The old token is revoked only after the new one exists, so a failure never leaves the caller with neither.
  if (request.revokeToken) await revokeOwnToken(deps, client, request.revokeToken);
  return issued;
}

/** Revokes `token` if it is an access token of `client`; anything else is ignored (RFC 7009 §2.2 spirit). */
async function revokeOwnToken(deps: ApplicationTokenDeps, client: OAuthClient, token: string): Promise<void> {
  const resolved = await deps.tokens.resolve(token);
  if (!resolved || resolved.record.consumerKey !== client.consumerKey) return;
  const { jti } = resolved.record;
  await deps.changes.run((tx, emit) => deps.tokens.revoke(tx, emit, { jti }));
}

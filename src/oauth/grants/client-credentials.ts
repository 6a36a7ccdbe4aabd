import type { Grant } from './grant.ts';
import { grantScopes, tokenResponse } from './grant.ts';

/** RFC 6749 §4.4: an application token; no refresh token (WSO2 issues none for this grant). */
export const clientCredentialsGrant: Grant = {
  grantType: 'client_credentials',
  async handle({ deps, client, tokenType, requestedScopes }) {
    const issued = await deps.tokens.issue({
      client,
      tokenType,
      user: null,
      scopes: await grantScopes(deps.store, client, requestedScopes, null),
      grantId: deps.random.uuid(),
      ttlSeconds: client.appTokenTtlSeconds,
      withRefreshToken: false,
    });
    return tokenResponse(issued);
  },
};

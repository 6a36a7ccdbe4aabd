import type { Grant } from './grant.ts';
import { grantScopes, tokenResponse, tokenTypeFor } from './grant.ts';

/** RFC 6749 §4.4: an application token; no refresh token (WSO2 issues none for this grant). */
export const clientCredentialsGrant: Grant = {
  grantType: 'client_credentials',
  async handle({ deps, client, requestedScopes }) {
    const issued = await deps.changes.run(async (tx, emit) =>
      deps.tokens.issue(tx, emit, {
        client,
        tokenType: await tokenTypeFor(tx, client),
        user: null,
        scopes: await grantScopes(tx, client, requestedScopes, null),
        grantId: deps.random.uuid(),
        ttlSeconds: client.appTokenTtlSeconds,
        withRefreshToken: false,
      }),
    );
    return tokenResponse(issued);
  },
};

import { invalidGrant, invalidScope } from '../errors.ts';
import { required } from '../form.ts';
import type { Grant } from './grant.ts';
import { grantScopes, tokenResponse } from './grant.ts';

/**
 * RFC 6749 §6 with rotation: each refresh token works once. Presenting a used one means it leaked, so
 * the whole grant — every access and refresh token — is revoked (RFC 9700 §4.14.2, T23).
 */
export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  async handle({ deps, client, tokenType, form, requestedScopes }) {
    const presented = required(form, 'refresh_token');
    const record = await deps.tokens.resolveRefreshToken(presented);
    if (!record) throw invalidGrant('invalid refresh token');
    if (record.consumerKey !== client.consumerKey) throw invalidGrant('refresh token was issued to another client');
    const widened = requestedScopes.filter((s) => !record.scopes.includes(s));
    if (widened.length > 0) throw invalidScope(`requested scope exceeds the original grant: ${widened.join(' ')}`);
    const user = record.userId ? await deps.store.users.findById(record.userId) : null;
    if (record.userId && (!user || user.disabled)) throw invalidGrant('the user of this grant is no longer active');

    // Signed before the transaction; used only if this request wins the single-use consumption.
    const prepared = await deps.tokens.prepare({
      client,
      tokenType,
      user,
      // Scopes are checked again as on first issuance: a subject that lost a role (for an application
      // token, the application's owner) or an unsubscribed API no longer yields the scope.
      scopes: await grantScopes(deps.store, client, requestedScopes.length > 0 ? requestedScopes : record.scopes, user),
      // RFC 6749 §6: a narrower access token does not narrow the grant.
      refreshScopes: record.scopes,
      grantId: record.grantId,
      ttlSeconds: user ? client.userTokenTtlSeconds : client.appTokenTtlSeconds,
      withRefreshToken: true,
    });
    const issued = await deps.changes.run(async (tx, emit) => {
      if (await tx.tokens.consumeRefreshToken(record.hash, deps.clock.now())) return deps.tokens.persist(tx, emit, prepared);
      const current = await tx.tokens.findRefreshTokenByHash(record.hash);
      if (current?.consumedAt !== null && current?.consumedAt !== undefined) {
        await deps.tokens.revoke(tx, emit, { grantId: record.grantId });
      }
      return null;
    });
    if (!issued) throw invalidGrant('refresh token is invalid, expired, revoked or already used');
    return tokenResponse(issued);
  },
};

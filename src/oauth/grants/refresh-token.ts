import { invalidGrant, invalidScope } from '../errors.ts';
import { required } from '../form.ts';
import type { Grant } from './grant.ts';
import { tokenResponse, tokenTypeFor } from './grant.ts';

/**
 * RFC 6749 §6 with rotation: each refresh token works once. Presenting a used one means it leaked, so
 * the whole grant — every access and refresh token — is revoked (RFC 9700 §4.14.2, T23).
 */
export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  async handle({ deps, client, form, requestedScopes }) {
    const presented = required(form, 'refresh_token');
    const record = await deps.tokens.resolveRefreshToken(presented);
    if (!record) throw invalidGrant('invalid refresh token');
    if (record.consumerKey !== client.consumerKey) throw invalidGrant('refresh token was issued to another client');
    const widened = requestedScopes.filter((s) => !record.scopes.includes(s));
    if (widened.length > 0) throw invalidScope(`requested scope exceeds the original grant: ${widened.join(' ')}`);

    const outcome = await deps.changes.run(async (tx, emit) => {
      const consumed = await tx.tokens.consumeRefreshToken(record.hash, deps.clock.now());
      if (!consumed) {
        const current = await tx.tokens.findRefreshTokenByHash(record.hash);
        if (current?.consumedAt !== null && current?.consumedAt !== undefined) {
          await deps.tokens.revoke(tx, emit, { grantId: record.grantId });
        }
        return null;
      }
      const user = consumed.userId ? await tx.users.findById(consumed.userId) : null;
      if (consumed.userId && (!user || user.disabled)) return null;
      return deps.tokens.issue(tx, emit, {
        client,
        tokenType: await tokenTypeFor(tx, client),
        user,
        scopes: requestedScopes.length > 0 ? requestedScopes : consumed.scopes,
        grantId: consumed.grantId,
        ttlSeconds: user ? client.userTokenTtlSeconds : client.appTokenTtlSeconds,
        withRefreshToken: true,
      });
    });
    if (!outcome) throw invalidGrant('refresh token is invalid, expired, revoked or already used');
    return tokenResponse(outcome);
  },
};

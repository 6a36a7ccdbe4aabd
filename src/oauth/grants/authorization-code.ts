import { createHash } from 'node:crypto';
import { constantTimeEqual, parseCredential } from '../../core/credentials.ts';
import { invalidGrant } from '../errors.ts';
import { required } from '../form.ts';
import type { Grant } from './grant.ts';
import { tokenResponse } from './grant.ts';

/** RFC 7636 §4.1: code_verifier = 43*128unreserved. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/**
 * RFC 6749 §4.1.3 with PKCE S256 always required (RFC 7636, RFC 9700 §2.1.1). A code is redeemed
 * once; a second redemption revokes what the first one issued (T24).
 */
export const authorizationCodeGrant: Grant = {
  grantType: 'authorization_code',
  async handle({ deps, client, tokenType, form }) {
    const code = required(form, 'code');
    const redirectUri = required(form, 'redirect_uri');
    const verifier = form.get('code_verifier');
    const hash = parseCredential(code, ['authorizationCode']) ? deps.hasher.hash(code) : null;
    const record = hash ? await deps.store.tokens.findAuthorizationCode(hash) : null;
    if (!record || record.consumerKey !== client.consumerKey) throw invalidGrant('invalid authorization code');
    if (record.redirectUri !== redirectUri) throw invalidGrant('redirect_uri does not match the authorization request');
    if (!verifier || !VERIFIER.test(verifier) || !constantTimeEqual(s256(verifier), record.codeChallenge)) {
      throw invalidGrant('PKCE verification failed');
    }

    if (record.expiresAt <= deps.clock.now()) throw invalidGrant('authorization code expired');
    const user = await deps.store.users.findById(record.userId);
    if (!user || user.disabled) throw invalidGrant('the user of this grant is no longer active');

    const prepared = await deps.tokens.prepare({
      client,
      tokenType,
      user,
      scopes: record.scopes,
      grantId: record.grantId,
      ttlSeconds: client.userTokenTtlSeconds,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
    });
    const issued = await deps.changes.run(async (tx, emit) => {
      if (await tx.tokens.consumeAuthorizationCode(record.hash, deps.clock.now())) return deps.tokens.persist(tx, emit, prepared);
      await deps.tokens.revoke(tx, emit, { grantId: record.grantId });
      return null;
    });
    if (!issued) throw invalidGrant('authorization code is invalid, expired or already used');
    return tokenResponse(issued);
  },
};

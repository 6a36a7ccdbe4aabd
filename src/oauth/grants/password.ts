import { invalidGrant, throttled } from '../errors.ts';
import { required } from '../form.ts';
import type { Grant } from './grant.ts';
import { grantScopes, tokenResponse } from './grant.ts';

/**
 * RFC 6749 §4.3, enabled only for keys that list it (WSO2 parity; RFC 9700 discourages it). Failed
 * sign-ins are throttled per (username, address) and per address, exactly as on the login page (P08).
 */
export const passwordGrant: Grant = {
  grantType: 'password',
  async handle({ deps, client, tokenType, form, requestedScopes, ip }) {
    const username = required(form, 'username');
    const password = required(form, 'password');
    const outcome = await deps.limits.credentials.guard({ kind: 'password', account: username, ip }, () => deps.users.authenticate(username, password));
    if (outcome.throttled) throw throttled('invalid_grant', outcome.retryAfterSeconds);
    const user = outcome.value;
    if (!user) throw invalidGrant('invalid username or password');
    const issued = await deps.tokens.issue({
      client,
      tokenType,
      user,
      scopes: await grantScopes(deps.store, client, requestedScopes, user),
      grantId: deps.random.uuid(),
      ttlSeconds: client.userTokenTtlSeconds,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
    });
    return tokenResponse(issued);
  },
};

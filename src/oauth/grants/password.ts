import { OAuthError, invalidGrant } from '../errors.ts';
import { required } from '../form.ts';
import type { Grant } from './grant.ts';
import { grantScopes, tokenResponse } from './grant.ts';

/**
 * RFC 6749 §4.3, enabled only for keys that list it (WSO2 parity; RFC 9700 discourages it). Failed
 * sign-ins are throttled per username and per address, exactly as on the login page (P08).
 */
export const passwordGrant: Grant = {
  grantType: 'password',
  async handle({ deps, client, tokenType, form, requestedScopes, ip }) {
    const username = required(form, 'username');
    const password = required(form, 'password');
    for (const [limiter, key] of [
      [deps.limits.login, username],
      [deps.limits.loginByIp, ip],
    ] as const) {
      const decision = limiter.check(key);
      if (!decision.allowed) {
        throw new OAuthError(429, 'invalid_grant', 'too many failed sign-in attempts; retry later', {
          'retry-after': String(decision.retryAfterSeconds),
        });
      }
    }
    const user = await deps.users.authenticate(username, password);
    if (!user) {
      deps.limits.login.fail(username);
      deps.limits.loginByIp.fail(ip);
      throw invalidGrant('invalid username or password');
    }
    deps.limits.login.reset(username);
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

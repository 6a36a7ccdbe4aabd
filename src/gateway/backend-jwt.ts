import type { Clock } from '../core/clock.ts';
import { seconds } from '../core/clock.ts';
import type { KeyRing } from '../core/key-ring.ts';
import type { Api, Application, Subscription } from '../core/model.ts';
import type { Principal } from './authenticate.ts';

const DIALECT = 'http://wso2.org/claims';
/** Claims of the access token not copied into the backend JWT (WSO2 populateCustomClaims). */
const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'application', 'tierInfo', 'subscribedAPIs', 'aut']);
const MAX_CACHED = 10_000;

/**
 * The optional backend JWT (`X-JWT-Assertion`, WSO2 §3.2): who called, through which application and
 * subscription, signed by the gateway's own key (published at the gateway's /jwks). Cached per
 * credential and API until shortly before it expires, as WSO2 does.
 */
export class BackendJwt {
  private readonly cache = new Map<string, { jwt: string; refreshAt: number }>();

  constructor(private readonly deps: { keyRing: KeyRing; clock: Clock; ttlSeconds: number }) {}

  async assertion(principal: Principal, api: Api, application: Application, subscription: Subscription): Promise<string> {
    const now = this.deps.clock.now();
    const cacheKey = `${principal.tokenId}|${api.id}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.refreshAt > now) return cached.jwt;

    const custom = Object.fromEntries(Object.entries(principal.claims ?? {}).filter(([name]) => !RESERVED.has(name)));
    const claims: Record<string, unknown> = {
      ...custom,
      [`${DIALECT}/subscriber`]: application.ownerId,
      [`${DIALECT}/applicationid`]: application.id,
      [`${DIALECT}/applicationUUId`]: application.id,
      [`${DIALECT}/applicationname`]: application.name,
      [`${DIALECT}/applicationtier`]: application.throttlingPolicy,
      [`${DIALECT}/apiname`]: api.name,
      [`${DIALECT}/apicontext`]: `${api.context}/${api.version}`,
      [`${DIALECT}/version`]: api.version,
      [`${DIALECT}/tier`]: subscription.throttlingPolicy,
      [`${DIALECT}/keytype`]: principal.keyType,
      [`${DIALECT}/usertype`]: principal.aut === 'APPLICATION_USER' ? 'Application_User' : 'Application',
      [`${DIALECT}/enduser`]: principal.userId ?? principal.consumerKey ?? application.ownerId,
      ...(Object.keys(application.attributes).length > 0 && { [`${DIALECT}/applicationAttributes`]: application.attributes }),
    };
    const key = this.deps.keyRing.signingKey();
    const ttl = this.deps.ttlSeconds;
    const jwt = await key.signJwt(
      { typ: 'JWT' },
      {
        ...claims,
        iss: 'wso2.org/products/am',
        sub: principal.userId ?? principal.consumerKey ?? application.ownerId,
        iat: seconds(now),
        exp: seconds(now) + ttl,
      },
    );
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    // Refresh a minute before expiry, and never keep one beyond the credential itself.
    const refreshAt = Math.min(now + (ttl - 60) * 1000, principal.expiresAt ?? Number.POSITIVE_INFINITY);
    this.cache.set(cacheKey, { jwt, refreshAt });
    return jwt;
  }
}

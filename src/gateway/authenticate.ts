import type { Clock } from '../core/clock.ts';
import { CredentialHasher, parseCredential } from '../core/credentials.ts';
import type { JwtVerifier } from '../core/jwt-verifier.ts';
import { isLive, type AccessTokenRecord, type ApiKeyRecord, type AuthorizedUserType, type KeyType } from '../core/model.ts';
import type { CredentialLookup } from './credential-lookup.ts';
import type { PresentedCredential } from './credentials.ts';
import type { LookupCache } from './lookup-cache.ts';
import type { Denial } from './outcomes.ts';
import type { GatewayState } from './state.ts';
import { TokenCache } from './token-cache.ts';

/** Who is calling, as established from a verified credential. */
export interface Principal {
  credential: 'jwt' | 'opaque' | 'apikey';
  applicationId: string;
  keyType: KeyType;
  consumerKey: string | null;
  scopes: readonly string[];
  userId: string | null;
  aut: AuthorizedUserType;
  /** jti, or the API key id. */
  tokenId: string;
  expiresAt: number | null;
  apiKey: ApiKeyRecord | null;
  claims: Readonly<Record<string, unknown>> | null;
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; denial: Denial };

/** What a verified JWT says, derived once and cached (the per-request path only adds the live lookups). */
interface VerifiedJwt {
  claims: Record<string, unknown>;
  jti: string;
  consumerKey: string;
  expiresAt: number | null;
  scopes: readonly string[];
  userId: string | null;
  aut: AuthorizedUserType;
}

function verifiedJwt(claims: Record<string, unknown>): VerifiedJwt {
  const { exp, scope } = claims;
  const user = claims.aut === 'APPLICATION_USER';
  return {
    claims,
    jti: String(claims.jti),
    consumerKey: String(claims.client_id),
    expiresAt: typeof exp === 'number' ? exp * 1000 : null,
    scopes: typeof scope === 'string' && scope !== '' ? scope.split(' ') : [],
    userId: user ? String(claims.sub) : null,
    aut: user ? 'APPLICATION_USER' : 'APPLICATION',
  };
}

const deny = (denial: Denial): AuthOutcome => ({ ok: false, denial });

/** Exactly three dot-separated parts (a JWE has five), without splitting a long token into copies. */
function isJwsCompact(token: string): boolean {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  return second > 0 && token.indexOf('.', second + 1) < 0;
}

/**
 * Establishes the principal from a presented credential (SPEC §5 order, first part): well-formed →
 * valid (JWT: signature, algorithms, typ, iss, exp/nbf; opaque and API keys: checksum, then hash
 * lookup) → not revoked. What was looked up before answers from memory; a miss reads the store once
 * (coalesced, limited per client address for unknown credentials). A store that cannot answer a miss
 * makes the credential unverifiable: 503, never a guess.
 */
export class Authenticator {
  readonly cache: TokenCache<VerifiedJwt>;

  constructor(
    private readonly deps: {
      state: GatewayState;
      credentials: CredentialLookup;
      verifier: JwtVerifier;
      hasher: CredentialHasher;
      clock: Clock;
      cacheSize: number;
    },
  ) {
    this.cache = new TokenCache(deps.cacheSize);
  }

  /** Seconds until a client address limited for unknown credentials may look up again. */
  missRetryAfter(clientIp: string): number {
    return this.deps.credentials.misses.retryAfterSeconds(clientIp);
  }

  /** Synchronous when everything is cached: the common path costs no promise. */
  authenticate(credential: PresentedCredential, clientIp: string): AuthOutcome | Promise<AuthOutcome> {
    switch (credential.kind) {
      case 'none':
        return deny('MISSING_CREDENTIALS');
      case 'malformed':
        return deny('MALFORMED_CREDENTIALS');
      case 'apikey':
        return this.apiKey(credential.key, clientIp);
      case 'bearer':
        if (parseCredential(credential.token, ['accessToken'])) return this.opaque(credential.token, clientIp);
        if (isJwsCompact(credential.token)) return this.jwt(credential.token);
        return deny('INVALID_CREDENTIALS');
    }
  }

  private jwt(token: string): AuthOutcome | Promise<AuthOutcome> {
    const key = TokenCache.keyOf(token);
    const cached = this.cache.get(key, this.deps.clock.now());
    return cached ? this.jwtRevocation(cached) : this.verifyJwt(token, key);
  }

  private async verifyJwt(token: string, key: string): Promise<AuthOutcome> {
    const outcome = await this.deps.verifier.verify(token);
    if (!outcome.valid) return deny(outcome.code === 'EXPIRED' ? 'EXPIRED_CREDENTIALS' : 'INVALID_CREDENTIALS');
    const verified = verifiedJwt(outcome.claims);
    this.cache.set(key, verified, verified.expiresAt);
    return this.jwtRevocation(verified);
  }

  /** A JWT's revocation is looked up by jti once per cache lifetime (a signature-checked JWT, so no miss limit). */
  private jwtRevocation(verified: VerifiedJwt): AuthOutcome | Promise<AuthOutcome> {
    if (verified.expiresAt !== null && verified.expiresAt <= this.deps.clock.now()) return deny('EXPIRED_CREDENTIALS');
    const known = this.deps.credentials.jwtRevoked.peek(verified.jti);
    if (known !== undefined) return this.jwtPrincipal(verified, known.value);
    return this.deps.credentials.jwtRevoked.fetch(verified.jti).then(
      (revoked) => this.jwtPrincipal(verified, revoked),
      () => deny('UNAVAILABLE'),
    );
  }

  private jwtPrincipal(verified: VerifiedJwt, revoked: boolean | null): AuthOutcome {
    if (revoked) return deny('INVALID_CREDENTIALS');
    const mapping = this.deps.state.clients.get(verified.consumerKey);
    if (!mapping) return deny('NOT_SUBSCRIBED');
    return {
      ok: true,
      principal: {
        credential: 'jwt',
        applicationId: mapping.applicationId,
        keyType: mapping.keyType,
        consumerKey: verified.consumerKey,
        scopes: verified.scopes,
        userId: verified.userId,
        aut: verified.aut,
        tokenId: verified.jti,
        expiresAt: verified.expiresAt,
        apiKey: null,
        claims: verified.claims,
      },
    };
  }

  /**
   * A cached answer synchronously; on a miss, one store read (shared with concurrent misses of the same
   * hash). Lookups that find nothing are charged to the client address.
   */
  private lookup<V>(cache: LookupCache<V>, hash: string, clientIp: string, principal: (value: V | null) => AuthOutcome): AuthOutcome | Promise<AuthOutcome> {
    const known = cache.peek(hash);
    if (known !== undefined) return principal(known.value);
    const misses = this.deps.credentials.misses;
    if (!misses.allow(clientIp)) return deny('LOOKUPS_LIMITED');
    return cache.fetch(hash).then(
      (value) => {
        if (value === null) misses.charge(clientIp);
        return principal(value);
      },
      () => deny('UNAVAILABLE'),
    );
  }

  private opaque(token: string, clientIp: string): AuthOutcome | Promise<AuthOutcome> {
    return this.lookup(this.deps.credentials.opaque, this.deps.hasher.hash(token), clientIp, this.opaquePrincipal);
  }

  private readonly opaquePrincipal = (record: AccessTokenRecord | null): AuthOutcome => {
    if (!record || !record.applicationId || !record.keyType) return deny('INVALID_CREDENTIALS');
    if (!isLive(record.expiresAt, this.deps.clock.now())) return deny('EXPIRED_CREDENTIALS');
    return {
      ok: true,
      principal: {
        credential: 'opaque',
        applicationId: record.applicationId,
        keyType: record.keyType,
        consumerKey: record.consumerKey,
        scopes: record.scopes,
        userId: record.userId,
        aut: record.aut,
        tokenId: record.jti,
        expiresAt: record.expiresAt,
        apiKey: null,
        claims: null,
      },
    };
  };

  private apiKey(value: string, clientIp: string): AuthOutcome | Promise<AuthOutcome> {
    if (!parseCredential(value, ['apiKeyProduction', 'apiKeySandbox'])) return deny('INVALID_CREDENTIALS');
    return this.lookup(this.deps.credentials.apiKeys, this.deps.hasher.hash(value), clientIp, this.apiKeyPrincipal);
  }

  private readonly apiKeyPrincipal = (key: ApiKeyRecord | null): AuthOutcome => {
    if (!key) return deny('INVALID_CREDENTIALS');
    if (!isLive(key.expiresAt, this.deps.clock.now())) return deny('EXPIRED_CREDENTIALS');
    return {
      ok: true,
      principal: {
        credential: 'apikey',
        applicationId: key.applicationId,
        keyType: key.keyType,
        consumerKey: null,
        // API keys carry no scopes: resources that require one refuse them.
        scopes: [],
        userId: null,
        aut: 'APPLICATION',
        tokenId: key.id,
        expiresAt: key.expiresAt,
        apiKey: key,
        claims: null,
      },
    };
  };
}
